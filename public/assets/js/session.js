// Session actions shared by the pages that show a "Log out" button.
import { orgplane, errorMessage } from './api.js';
import { setBusy, toast } from './ui.js';

/** Click handler: ends the session on the server, then goes to the login page. */
export async function logout(event) {
  const button = event.currentTarget;
  setBusy(button, true);
  try {
    await orgplane.logout();
  } catch (err) {
    if (err.status === 401) return;
    setBusy(button, false);
    toast(errorMessage(err), 'error');
    return;
  }
  location.replace('/login.html');
}
