/**
 * The GraphQL documents Deckhand sends, written by hand and sent through the
 * SDK's raw client. The SDK's generated queries select every scalar of an
 * Issue (about sixty fields) and load each relation (state, assignee,
 * labels, parent) lazily, one more request per issue and relation; a poll
 * built on them costs dozens of requests and thousands of complexity points
 * where one query with the fields below costs one request and a few points
 * per issue. Linear charges 0.1 point per field, 1 per object, and
 * multiplies a connection's selection by its `first`; labels come as
 * `labelIds` (scalars) so no per-issue connection multiplies the page.
 */
const ISSUE_FIELDS = `
  id identifier title description priority dueDate updatedAt labelIds
  state { id } assignee { id } parent { id }`;

/** `includeArchived` only on polls: archived and trashed issues come back with `archivedAt`, seen as deletions. */
export const ISSUES_QUERY = `query DeckhandIssues($filter: IssueFilter, $first: Int, $after: String, $includeArchived: Boolean) {
  issues(filter: $filter, first: $first, after: $after, orderBy: updatedAt, includeArchived: $includeArchived) {
    nodes {${ISSUE_FIELDS} archivedAt }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const TEAMS_QUERY = `query DeckhandTeams {
  teams(first: 100) { nodes { id key name } }
}`;

/** The team's directory: states, labels and members, read at connect and when an unknown id appears. */
export const DIRECTORY_QUERY = `query DeckhandDirectory($team: String!) {
  team(id: $team) {
    id key name
    states(first: 100) { nodes { id name type position } }
    labels(first: 250) { nodes { id name } }
    members(first: 250) { nodes { id name displayName email } }
  }
}`;

export const CREATE_ISSUE = `mutation DeckhandIssueCreate($input: IssueCreateInput!) {
  issueCreate(input: $input) { success issue {${ISSUE_FIELDS} } }
}`;

export const UPDATE_ISSUE = `mutation DeckhandIssueUpdate($id: String!, $input: IssueUpdateInput!) {
  issueUpdate(id: $id, input: $input) { success issue {${ISSUE_FIELDS} } }
}`;

export const CREATE_LABEL = `mutation DeckhandLabelCreate($input: IssueLabelCreateInput!) {
  issueLabelCreate(input: $input) { success issueLabel { id name } }
}`;

const COMMENT_FIELDS = 'id body createdAt user { id }';

export const COMMENTS_QUERY = `query DeckhandComments($filter: CommentFilter, $after: String) {
  comments(filter: $filter, first: 100, after: $after, orderBy: createdAt) {
    nodes { ${COMMENT_FIELDS} }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const COMMENT_BY_ID = `query DeckhandComment($filter: CommentFilter) {
  comments(filter: $filter, first: 1) { nodes { ${COMMENT_FIELDS} issue { id } } }
}`;

export const CREATE_COMMENT = `mutation DeckhandCommentCreate($input: CommentCreateInput!) {
  commentCreate(input: $input) { success comment { ${COMMENT_FIELDS} } }
}`;
