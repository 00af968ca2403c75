import { render } from 'preact';
import { App } from './app';
import { takeTokenFromFragment } from './session';
import './styles.css';

// first of all: a portal link's token leaves the address bar before anything can read or share it
takeTokenFromFragment();
const root = document.getElementById('app')!;
root.replaceChildren(); // the "Loading…" line the page shows until the script runs
render(<App />, root);
