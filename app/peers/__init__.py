"""This unit's identity and the other units (peers) it accepts signatures from.

`identity`: the unit's Ed25519 identity key, created by a 保密管理员 and stored only encrypted
under their password. `service`: exporting this unit's public identity, registering a peer's
(co-signed by the local 保密管理员), listing peers."""

from app.peers.identity import UnitIdentity, share_unit_key, unit_public_key, unlock_unit
from app.peers.model import Peer
from app.peers.service import add_peer, export_identity, find_peer, list_peers, read_identity

__all__ = ["Peer", "UnitIdentity", "add_peer", "export_identity", "find_peer", "list_peers", "read_identity",
           "share_unit_key", "unit_public_key", "unlock_unit"]
