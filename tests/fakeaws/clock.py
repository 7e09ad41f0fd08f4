"""Clocks of the fake.

Two clocks, on purpose:

* ``SimClock`` drives everything that *happens* in the fake (task lifecycles,
  log event timestamps, timestamps returned by ECS and Logs).  It starts at the
  wall time, runs at ``speed`` times real speed (0 freezes it) and can be
  jumped forward with ``advance``.  Every lifecycle decision goes through
  ``SimClock.now_ms`` so that tests see one consistent timeline.

* the *auth clock* (``auth_now``) is the wall clock plus a configurable skew.
  Clients sign with their real clock, and they parse credential expirations
  against it, so signature time checks, credential expiry and the HTTP
  ``Date`` header use this one, never the simulated clock.
"""
import datetime
import email.utils
import threading
import time


class SimClock:
    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self._base_ms = time.time() * 1000.0
            self._mono = time.monotonic()
            self._speed = 1.0

    def _now_locked(self):
        return self._base_ms + (time.monotonic() - self._mono) * 1000.0 * self._speed

    def now_ms(self):
        """Simulated epoch time in milliseconds (float)."""
        with self._lock:
            return self._now_locked()

    def now_s(self):
        return self.now_ms() / 1000.0

    @property
    def speed(self):
        return self._speed

    def set_speed(self, speed):
        if speed < 0:
            raise ValueError("speed must be >= 0")
        with self._lock:
            self._base_ms = self._now_locked()
            self._mono = time.monotonic()
            self._speed = float(speed)

    def advance(self, ms):
        if ms < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._base_ms += float(ms)

    def set_ms(self, epoch_ms):
        with self._lock:
            self._base_ms = float(epoch_ms)
            self._mono = time.monotonic()


def auth_now(skew_s=0.0):
    """Wall-clock epoch seconds as the fake's 'AWS' sees it (wall + skew)."""
    return time.time() + skew_s


def amz_date(epoch_s):
    """20150830T123600Z"""
    return datetime.datetime.fromtimestamp(epoch_s, datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def parse_amz_date(text):
    """Epoch seconds of a SigV4 X-Amz-Date value, or None."""
    try:
        dt = datetime.datetime.strptime(text, "%Y%m%dT%H%M%SZ")
    except (TypeError, ValueError):
        return None
    return dt.replace(tzinfo=datetime.timezone.utc).timestamp()


def parse_http_date(text):
    try:
        dt = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt.timestamp()


def http_date(epoch_s):
    """RFC 7231 date: Sun, 06 Nov 1994 08:49:37 GMT"""
    return email.utils.formatdate(epoch_s, usegmt=True)


def iso8601(epoch_s, millis=False):
    """2026-11-22T10:00:00Z (or with .123 when millis)."""
    dt = datetime.datetime.fromtimestamp(epoch_s, datetime.timezone.utc)
    if millis:
        return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (dt.microsecond // 1000)
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch_s(ms):
    """ECS-style timestamp: epoch seconds with millisecond precision."""
    return round(ms / 1000.0, 3)
