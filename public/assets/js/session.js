// Session actions shared by the pages that show a "Log out" button.
import { orgplane, errorMessage } from './api.js';
import { whileBusy } from './forms.js';
import { toast } from './ui.js';

/** Click handler: ends the session on the server, then goes to the login page. */
export function logout(event) {
  return whileBusy(event.currentTarget, async () => {
    await orgplane.logout();
    location.replace('/login.html');
  }, (err) => toast(errorMessage(err), 'error'));
}
