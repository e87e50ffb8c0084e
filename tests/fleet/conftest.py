"""The fleet suites (token stores, shared tokens): a real redis-server per module."""

from tests.support.redis_server import redis_server, redis_server_module

__all__ = ["redis_server", "redis_server_module"]
