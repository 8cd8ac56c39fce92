"""Custom routes a 保密管理员 registered in the ledger (`route_registered`). The workstation key
lies in the data directory, so `ledger verify` accepts a review opened under a route only when
the route is built-in or registered earlier by a 保密管理员 (app.ledger.policy)."""

from __future__ import annotations

from app.errors import UsageError
from app.ledger.crypto import KeySigner
from app.ledger.errors import AuthError
from app.ledger.policy import builtin_routes, canonical_route
from app.ledger.store import Ledger
from app.review.routes import Route, load_route
from app.users.model import Role, User


def registered_routes(ledger: Ledger) -> set[str]:
    """Canonical JSON of every route registered in this ledger."""
    out: set[str] = set()
    for ev in ledger.events(kinds=("route_registered",)):
        route = ev.payload.get("route")
        if isinstance(route, dict):
            out.add(canonical_route(route))
    return out


def require_registered(ledger: Ledger, route: Route) -> None:
    """Refuse a custom route (or a custom route file changed since) no 保密管理员 registered."""
    canon = canonical_route(route.to_json())
    if canon in builtin_routes() or canon in registered_routes(ledger):
        return
    raise UsageError(f"自定义审核流程“{route.name}”尚未登记（或登记后流程文件已改动），不能用于建立审核单。"
                     f"请保密管理员先登记：mishen review route-register {route.name} --by <保密管理员>",
                     code="unregistered_route")


def register_route(ledger: Ledger, name: str, admin: tuple[User, KeySigner]) -> Route:
    """A 保密管理员 registers the custom route `routes/<name>.json` as it is now (`route_registered`)."""
    if admin[0].role is not Role.SECRECY_ADMIN:
        raise AuthError(f"只有保密管理员可以登记审核流程（“{admin[0].name}”是{admin[0].role.label}）。",
                         code="not_allowed")
    route = load_route(name, ledger.data_dir)
    canon = canonical_route(route.to_json())
    if canon in builtin_routes():
        raise UsageError(f"“{route.name}”是内置审核流程，无需登记。", code="builtin_route")
    with ledger.transaction() as tx:
        if canon not in registered_routes(ledger):
            tx.append("route_registered", {"name": route.name, "route": route.to_json()}, admin[1])
    return route
