"""Helpers shared by the browser tests."""
import base64
import pathlib
import uuid


def unique_email(tag):
    return f"{tag}-{uuid.uuid4().hex[:10]}@example.com"


def full_page_screenshot(driver, path):
    """PNG of the whole page (beyond the viewport) through the DevTools protocol."""
    width, height = driver.execute_script(
        "window.scrollTo(0, 0);"
        "return [document.documentElement.clientWidth,"
        " Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)]"
    )
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png",
        "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
    })
    pathlib.Path(path).write_bytes(base64.b64decode(shot["data"]))


def set_viewport(driver, width, height=900, mobile=False):
    """Emulates a viewport (a phone when mobile=True: 375 px wide, touch, viewport meta)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile,
    })


def reset_viewport(driver):
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def api_signup(base_url, email, password, name, organization_name):
    """Signs a user up through the API from a loopback address of its own (127.3.x.y), so
    the pool's per-IP signup limit is spent by the browsers' own sign-ups only."""
    import random

    import requests
    from requests.adapters import HTTPAdapter

    source_ip = f"127.3.{random.randint(0, 255)}.{random.randint(1, 250)}"

    class SourceAddressAdapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            kwargs["source_address"] = (source_ip, 0)
            super().init_poolmanager(*args, **kwargs)

    session = requests.Session()
    session.mount("http://", SourceAddressAdapter())
    response = session.post(base_url + "/api/auth/signup", timeout=30, json={
        "email": email, "password": password, "name": name, "organization_name": organization_name,
    })
    assert response.status_code == 201, response.text
    return response.json()


# Every visible form control has an accessible name, and every visible piece of text has
# WCAG AA contrast against the background it is drawn on (4.5:1, 3:1 for large text;
# disabled controls are exempt, as in WCAG). Returns a list of problems (empty: all good).
A11Y_SCRIPT = r"""
const problems = [];
const visible = (el) => {
  const r = el.getBoundingClientRect();
  const s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && !el.closest('[hidden]');
};
function rgba(text) {
  let m = text.match(/^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/);
  if (m) return [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]];
  m = text.match(/^color\(srgb ([\d.]+) ([\d.]+) ([\d.]+)(?: \/ ([\d.]+))?\)$/);
  if (m) return [m[1] * 255, m[2] * 255, m[3] * 255, m[4] === undefined ? 1 : +m[4]];
  return null;
}
function blend(top, bottom) {
  const a = top[3];
  return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat(1);
}
function background(el) {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const c = rgba(getComputedStyle(e).backgroundColor);
    if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
  }
  let base = [255, 255, 255, 1];
  if (!layers.length || layers[layers.length - 1][3] < 1) {
    base = matchMedia('(prefers-color-scheme: dark)').matches ? [0, 0, 0, 1] : [255, 255, 255, 1];
  }
  for (const c of layers.reverse()) base = blend(c, base);
  return base;
}
function luminance(c) {
  const [r, g, b] = c.slice(0, 3).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '');
for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea, button, a[href]')) {
  if (!visible(el) || el.getAttribute('aria-hidden') === 'true') continue;
  const named = (el.labels && el.labels.length) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')
    || ((el.tagName === 'BUTTON' || el.tagName === 'A') && el.textContent.trim());
  if (!named) problems.push('no accessible name: ' + describe(el));
}
for (const el of document.querySelectorAll('body *')) {
  if (!visible(el) || el.closest('[aria-hidden="true"]')) continue;
  const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
  if (!text) continue;
  if (el.closest(':disabled, [aria-disabled="true"]')) continue;
  // Something fading in or out (a toast) is measured once it has arrived.
  if (el.getAnimations().some((a) => a.playState === 'running')) continue;
  const s = getComputedStyle(el);
  const fg = rgba(s.color);
  if (!fg) continue;
  const bg = background(el);
  const color = blend([fg[0], fg[1], fg[2], fg[3] * parseFloat(s.opacity || '1')], bg);
  const l1 = luminance(color), l2 = luminance(bg);
  const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
  const size = parseFloat(s.fontSize);
  const large = size >= 24 || (size >= 18.66 && parseInt(s.fontWeight, 10) >= 700);
  if (ratio < (large ? 3 : 4.5)) problems.push(`contrast ${ratio.toFixed(2)} for "${text.slice(0, 40)}" (${describe(el)})`);
}
return problems;
"""


def accessibility_problems(driver):
    return driver.execute_script(A11Y_SCRIPT)
