"""The demo shop: services, their pods, routes and who calls whom (data, no behaviour).

`postgres` is not instrumented (as usual for a database): it is seen through the client spans of
payments (`db.system.name`, `server.address`, `peer.service`) and the `db.client.operation.duration`
histogram, and through its pod's saturation gauges.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NAMESPACE = "shop"
DATABASE = "postgres"
SERVICES = ("frontend", "checkout", "cart", "payments", "inventory", "shipping")
VERSIONS = {"frontend": "2.8.0", "checkout": "1.4.2", "cart": "3.1.0", "payments": "1.9.4", "inventory": "2.2.1",
            "shipping": "2.3.1"}
REPLICAS = {"frontend": 2, "checkout": 2, "cart": 2, "payments": 2, "inventory": 2, "shipping": 2}
FRONTEND_RATE = 56.0  # requests per second at the frontend (mean)
TRACE_KEEP_RATIO = 0.05  # tail sampling: errors and slow traces always kept, 5 % of the rest


@dataclass(frozen=True)
class Call:
    """One downstream call made while serving a route: an HTTP call or a database query."""

    service: str
    route: str
    method: str = "GET"
    database: bool = False
    timeout: float = 2.0


@dataclass(frozen=True)
class Route:
    service: str
    route: str
    method: str
    self_time: float  # median own work, seconds (lognormal around it)
    calls: tuple[Call, ...] = field(default_factory=tuple)


_ROUTES = [
    Route("frontend", "/product/{id}", "GET", 0.012, (Call("inventory", "/stock/{id}"),)),
    Route("frontend", "/cart", "GET", 0.010, (Call("cart", "/cart"),)),
    Route("frontend", "/checkout", "POST", 0.015, (Call("checkout", "/checkout", "POST", timeout=5.0),)),
    Route("checkout", "/checkout", "POST", 0.020, (
        Call("cart", "/cart"),
        Call("inventory", "/reserve", "POST"),
        Call("payments", "/charge", "POST", timeout=3.0),
        Call("shipping", "/quote", "POST"),
    )),
    Route("cart", "/cart", "GET", 0.008),
    Route("inventory", "/stock/{id}", "GET", 0.006),
    Route("inventory", "/reserve", "POST", 0.012),
    Route("payments", "/charge", "POST", 0.030, (Call(DATABASE, "INSERT payments", database=True, timeout=2.0),)),
    Route("shipping", "/quote", "POST", 0.025),
]
ROUTES: dict[tuple[str, str], Route] = {(r.service, r.route): r for r in _ROUTES}
DB_QUERY_TIME = 0.004  # median postgres INSERT time, seconds

# frontend traffic mix
ENTRY_MIX = (("/product/{id}", 0.55), ("/cart", 0.30), ("/checkout", 0.15))

