// Landing page: a logged-in visitor goes straight to the main page.
import { orgplane, mayHaveSession, setAuthLostHandler } from './api.js';

setAuthLostHandler(() => {});

if (mayHaveSession()) {
  orgplane.me().then(() => location.replace('/app.html'), () => {});
}
