import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { addStyles } from './styles.ts';

addStyles();
const root = document.getElementById('root');
if (root) createRoot(root).render(<App />);
