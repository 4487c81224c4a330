// The busy-button patterns every page shares: a form submission, a one-button action, and
// a confirmed one. A failure that is a lost session (the API client is already sending the
// page to log in) shows nothing more.
import { errorMessage } from './api.js';
import { confirmDialog, fieldProblem, hideMessage, setBusy, showMessage, validateForm } from './ui.js';

/**
 * Submits `form` the same way on every page:
 * - hides `message`, checks the fields (validateForm), then `check()` if given (it shows
 *   its own problem and returns false to stop);
 * - `button` (default: the form's submit button) is busy, labelled `busyLabel`, while
 *   `send()` runs, and usable again afterwards unless `navigates` (the page is leaving);
 * - on failure: `onError(err)` may handle it (returns true); a code in `fieldErrors`
 *   (`{code: input}` or `{code: [input, text]}`) marks that field; anything else goes to
 *   `message`.
 * Resolves to true when `send()` succeeded.
 */
export async function submitForm(form, {
  button = form.querySelector('button[type="submit"]'), busyLabel, message, check, send,
  fieldErrors = {}, onError, navigates = false,
}) {
  hideMessage(message);
  if (!validateForm(form) || (check && !check())) return false;
  setBusy(button, true, busyLabel);
  try {
    await send();
  } catch (err) {
    setBusy(button, false);
    if (err.sessionLost || (onError && onError(err))) return false;
    const field = fieldErrors[err.code];
    if (field) {
      const [input, text] = Array.isArray(field) ? field : [field, errorMessage(err)];
      fieldProblem(input, text);
    } else {
      showMessage(message, errorMessage(err));
    }
    return false;
  }
  if (!navigates) setBusy(button, false);
  return true;
}

/**
 * Runs `action` with `button` busy. On success the button stays busy: the action replaces
 * it (a re-rendered list) or leaves the page. On failure it is usable again and
 * `onError(err)` gets the error.
 */
export async function whileBusy(button, action, onError, busyLabel) {
  setBusy(button, true, busyLabel);
  try {
    await action();
  } catch (err) {
    setBusy(button, false);
    if (!err.sessionLost) await onError(err);
  }
}

/** Asks first (confirmDialog options), then whileBusy. Cancelling gives the focus back. */
export async function confirmThen(button, dialog, action, onError) {
  if (!(await confirmDialog(dialog))) {
    button.focus();
    return;
  }
  await whileBusy(button, action, onError);
}
