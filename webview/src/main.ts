import './lib/zod-jitless';
import { mount } from 'svelte';
import App from './App.svelte';
import './lib/elements';
import './app.css';

const target = document.getElementById('app');
if (target === null) throw new Error('Orch dashboard: #app element missing from the page');
mount(App, { target });
