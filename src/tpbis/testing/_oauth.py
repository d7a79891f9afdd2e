"""The OAuth 2.0 token endpoint (``/token``) and the bearer-token check the other APIs ask for."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping

from tpbis.testing._errors import ApiError
from tpbis.testing._state import EmulatorState
from tpbis.testing._wire import Call, Reply, Route, route

__all__ = ["OAuthApi"]

_GRANTS = ("urn:ietf:params:oauth:grant-type:jwt-bearer", "refresh_token", "client_credentials",
           "urn:ietf:params:oauth:grant-type:token-exchange")
_HELP = ("Expected OAuth 2 access token, login cookie or other valid authentication credential. See "
         "https://developers.google.com/identity/sign-in/web/devconsole-project.")


class OAuthApi:
    """Issues tokens and, with ``require_auth``, checks them."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    def routes(self) -> list[Route]:
        """``/token`` (and the older ``/oauth2/v4/token``), any method: only POST is answered with a token."""
        return [route(None, r"/token|/oauth2/v4/token", self.token, auth=False)]

    def check(self, headers: Mapping[str, str]) -> None:
        """Google's 401 unless the request carries a token this emulator issued (when ``require_auth``)."""
        if not self.state.require_auth:
            return
        auth = headers.get("authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else ""
        if token not in self.state.tokens:
            if token:
                raise ApiError(401, f"Request had invalid authentication credentials. {_HELP}")
            raise ApiError(401, f"Request is missing required authentication credential. {_HELP}")

    def token(self, _match: re.Match[str], call: Call) -> Reply:
        """``oauth2.token``: a bearer token for a JWT assertion, refresh token or client credentials."""
        if call.method != "POST":
            return 405, {"error": "invalid_request", "error_description": "Only POST is allowed."}, {}, "oauth2.token"
        form = call.body if isinstance(call.body, dict) else {}
        grant = form.get("grant_type")
        if grant not in _GRANTS:
            return 400, {"error": "unsupported_grant_type",
                         "error_description": f"Invalid grant_type: {grant or ''}"}, {}, "oauth2.token"
        if grant == _GRANTS[0] and str(form.get("assertion", "")).count(".") != 2:
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}, {}, "oauth2.token"
        rng = self.state.rng
        token = "ya29.emulator-" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(24))
        self.state.tokens.add(token)
        if grant == _GRANTS[0] and "sub" not in _jwt_claims(str(form.get("assertion", ""))):
            self.state.service_tokens.add(token)  # no ``sub``: no domain-wide delegation, no Drive storage
        return 200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}, {}, "oauth2.token"


def _jwt_claims(assertion: str) -> dict[str, object]:
    """The (unverified) claims of a JWT assertion; empty when unreadable."""
    try:
        payload = assertion.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode("utf-8"))
    except (IndexError, ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}
