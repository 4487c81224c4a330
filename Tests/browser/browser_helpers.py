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
