"""Helpers shared by the test suites, one idea per module (no test imports a conftest).

- :mod:`tests.support.data`: the small frames and plans every HTTP suite plots, and the
  wire paths their assertions name.
- :mod:`tests.support.clients`: clients for the users of the ``graphistry_server`` fixture.
- :mod:`tests.support.server`: reading the local server (settled request log, datasets)
  and raw HTTP against it (login, create, get/post).
- :mod:`tests.support.threads`: bounded runs and joins (a hang fails, never blocks CI), and
  :class:`~tests.support.threads.Timeline` for races.
- :mod:`tests.support.sso`: approvers that complete an SSO login from a thread.
- :mod:`tests.support.browser`: headless Chromium and urllib helpers of the viewer tests.
- :mod:`tests.support.redis_server`: a real redis-server on a random port, and its
  fixtures (registered by ``tests/fleet/conftest.py``).

Fixtures (``srv``, ``wire_tokens``) live in ``tests/conftest.py``; pytest finds them there.
"""
