// Keep first: it configures zod before the contract builds its schemas.
import './zod-config';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createTransport } from './api/transport';
import { App } from './App';
import { startApp } from './state/start';
import './styles/app.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

startApp(createTransport());

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
