"""A fake Slack Web API on 127.0.0.1, speaking Slack's wire format (slack-platform.md §7).

The real `AsyncWebClient(base_url=fake.api_url)` talks to it, so tests exercise slack_sdk's
encoding, retries and `files_upload_v2` rather than a mock of them. Everything is recorded:
`calls` (method, merged params, headers including Authorization) in order, plus typed stores for
assertions: `messages` by channel, `ephemerals`, `home` views by user, `modals`, `uploads` (with
the bytes) and `responses` (POSTs to the response_urls handed out by `response_url()`).

Every message, response_url post and view is checked against Block Kit's limits with slack_sdk's
models (`tests.fakes.block_kit`) and refused as Slack refuses it (`invalid_blocks`,
`msg_blocks_too_long`, ...; the details in `refused`).

Failures are planned per method and consumed in order: `rate_limit` (HTTP 429 + Retry-After),
`server_error` (HTTP 500) and `fail` (HTTP 200 `ok: false`). The upload URL fails with
`server_error("upload")`.

The second half builds what Slack sends to the app (slash command forms, interactive payloads,
events), to sign with `bot.slack.signing.signed_headers` and POST to the app under test.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Self
from urllib.parse import quote, urlencode

from aiohttp import web

from tests.fakes.block_kit import message_error, view_error

TEAM_ID = "T0TEST"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
APP_ID = "A0BARBACK"
SCOPES = (
    "commands,chat:write,chat:write.public,files:write,files:read,channels:read,groups:read,"
    "channels:history,groups:history,users:read"
)
MAX_RESPONSE_URL_USES = 5  # Slack: up to 5 responses within 30 minutes (§3.1)

Json = dict[str, Any]

# Waits return as soon as what they wait for arrived; the bound is only how long a busy, shared
# 2-core machine (CI runs beside other work) may take before a test calls it missing.
WAIT_SECONDS = 30.0


class ApiError(Exception):
    """Answered as HTTP 200 `{"ok": false, "error": code}`, as Slack does."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class Call:
    method: str  # "chat.postMessage"; "upload" for the upload URL
    params: Json  # query string, form and JSON body merged
    headers: dict[str, str]  # lower-case names

    @property
    def token(self) -> str | None:
        auth = self.headers.get("authorization", "")
        return auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None


@dataclass(slots=True)
class Upload:
    file_id: str
    filename: str
    length: int  # as declared to files.getUploadURLExternal
    alt_txt: str | None
    data: bytes | None = None  # None until the upload URL received it
    title: str | None = None
    channel_id: str | None = None
    initial_comment: str | None = None
    thread_ts: str | None = None
    completed: bool = False


@dataclass(frozen=True, slots=True)
class ResponsePost:
    url: str
    body: Json


@dataclass(frozen=True, slots=True)
class _Failure:
    status: int
    error: str
    retry_after: int | None = None


@dataclass(slots=True)
class FakeSlack:
    """`async with FakeSlack() as slack:`; `slack.api_url` is the client's `base_url`."""

    token: str = "xoxb-test"
    channels: dict[str, Json] = field(default_factory=dict)  # id -> conversations.info shape
    users: dict[str, Json] = field(default_factory=dict)  # id -> users.info shape
    calls: list[Call] = field(default_factory=list)
    messages: dict[str, list[Json]] = field(default_factory=lambda: defaultdict(list))
    ephemerals: list[Json] = field(default_factory=list)
    home: dict[str, Json] = field(default_factory=dict)  # user id -> the published Home view
    modals: list[Json] = field(default_factory=list)
    uploads: dict[str, Upload] = field(default_factory=dict)
    responses: list[ResponsePost] = field(default_factory=list)
    shared: list[Json] = field(default_factory=list)  # files shared in channels, files.list shape
    shared_data: dict[str, bytes] = field(default_factory=dict)  # file id -> its bytes
    refused: list[str] = field(default_factory=list)  # Block Kit errors answered, with details
    _failures: dict[str, deque[_Failure]] = field(default_factory=lambda: defaultdict(deque))
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _epoch: int = field(default_factory=lambda: int(time.time()))
    _runner: web.AppRunner | None = None
    base_url: str = ""

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self) -> Self:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/v1/{file_id}", self._upload)
        app.router.add_get("/files-pri/{team}-{file_id}/download/{name}", self._download)
        app.router.add_post("/commands/{rest:.+}", self._response_url)
        app.router.add_post("/actions/{rest:.+}", self._response_url)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, kind: str = "commands") -> str:
        """A fresh response_url for a synthetic payload (`commands` or `actions`)."""
        return f"{self.base_url}/{kind}/{TEAM_ID}/{next(self._ids)}/{uuid.uuid4().hex}"

    # --- directory ----------------------------------------------------------------------------

    def add_channel(
        self, channel_id: str, name: str, *, private: bool = False, member: bool = True
    ) -> None:
        self.channels[channel_id] = {
            "id": channel_id,
            "name": name,
            "is_channel": not private,
            "is_group": private,
            "is_private": private,
            "is_archived": False,
            "is_member": member,
        }

    def add_user(
        self, user_id: str, name: str, *, admin: bool = False, owner: bool = False
    ) -> None:
        self.users[user_id] = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": name,
            "is_admin": admin,
            "is_owner": owner,
            "is_bot": False,
            "tz": "America/New_York",
        }

    # --- planned failures ---------------------------------------------------------------------

    def share_file(self, channel: str, name: str, data: bytes, *, user: str = "U0MANAGER") -> str:
        """A file a person dragged into `channel` (what `files.list` then lists, newest first)."""
        file_id = f"F{next(self._ids):08d}"
        url = f"{self.base_url}/files-pri/{TEAM_ID}-{file_id}/download/{name}"
        self.shared.insert(
            0,
            {
                "id": file_id,
                "created": int(time.time()),
                "name": name,
                "title": name,
                "mimetype": "text/csv",
                "filetype": "csv",
                "size": len(data),
                "user": user,
                "channels": [channel],
                "url_private": url,
                "url_private_download": url,
            },
        )
        self.shared_data[file_id] = data
        return file_id

    def rate_limit(self, method: str, times: int = 1, *, retry_after: int = 1) -> None:
        for _ in range(times):
            self._failures[method].append(_Failure(429, "ratelimited", retry_after))

    def server_error(self, method: str, times: int = 1, *, status: int = 500) -> None:
        for _ in range(times):
            self._failures[method].append(_Failure(status, "internal_error"))

    def fail(self, method: str, error: str, times: int = 1) -> None:
        for _ in range(times):
            self._failures[method].append(_Failure(200, error))

    # --- assertions ---------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def responses_to(self, url: str) -> list[Json]:
        return [post.body for post in self.responses if post.url == url]

    async def wait_for(
        self, method: str, count: int = 1, timeout: float = WAIT_SECONDS
    ) -> list[Call]:
        """Poll until `count` calls of `method` arrived: Bolt listeners finish after the ack."""
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.calls_to(method)) < count:
            if asyncio.get_running_loop().time() > deadline:
                seen = [call.method for call in self.calls]
                raise AssertionError(f"expected {count} x {method} within {timeout}s; saw {seen}")
            await asyncio.sleep(0.01)
        return self.calls_to(method)

    async def wait_for_uploads(self, name_part: str, timeout: float = WAIT_SECONDS) -> list[Upload]:
        """Poll until a completed upload's file name holds `name_part`; all such uploads."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            found = [u for u in self.uploads.values() if u.completed and name_part in u.filename]
            if found:
                return found
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"no completed upload named *{name_part}* within {timeout}s")
            await asyncio.sleep(0.01)

    async def wait_for_response(
        self, url: str, count: int = 1, timeout: float = WAIT_SECONDS
    ) -> list[Json]:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.responses_to(url)) < count:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"expected {count} POSTs to {url} within {timeout}s")
            await asyncio.sleep(0.01)
        return self.responses_to(url)

    # --- HTTP ---------------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _params(request)
        call = Call(method, params, {k.lower(): v for k, v in request.headers.items()})
        self.calls.append(call)
        if failure := self._next_failure(method):
            return _failure_response(failure)
        handler = self._handlers().get(method)
        try:
            self._authorize(call)
            if handler is None:
                raise ApiError("unknown_method")
            body = {"ok": True, **handler(params)}
        except ApiError as error:
            body = {"ok": False, "error": error.code}
        headers = {"x-oauth-scopes": SCOPES} if method == "auth.test" else None
        return web.json_response(body, headers=headers)

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        if request.content_type.startswith("multipart/"):
            data = await _first_file_part(request)
        else:
            data = await request.read()
        headers = {k.lower(): v for k, v in request.headers.items()}
        self.calls.append(Call("upload", {"file_id": file_id, "bytes": len(data)}, headers))
        if failure := self._next_failure("upload"):
            return web.Response(status=failure.status, text=failure.error)
        upload = self.uploads.get(file_id)
        if upload is None:
            return web.Response(status=404, text="file_not_found")
        upload.data = data
        return web.Response(text=f"OK - {len(data)}")

    async def _response_url(self, request: web.Request) -> web.Response:
        url = f"{self.base_url}{request.path}"
        body = await request.json()
        if len(self.responses_to(url)) >= MAX_RESPONSE_URL_USES:
            return web.Response(status=404, text="used_url")
        if (error := message_error(body)) is not None:
            self.refused.append(error)
            return web.Response(status=400, text=error.split(":")[0])
        self.responses.append(ResponsePost(url, body))
        return web.Response(text="ok")

    def _next_failure(self, method: str) -> _Failure | None:
        planned = self._failures.get(method)
        return planned.popleft() if planned else None

    def _authorize(self, call: Call) -> None:
        token = call.token or call.params.get("token")
        if not token:
            raise ApiError("not_authed")
        if token != self.token:
            raise ApiError("invalid_auth")

    def _handlers(self) -> dict[str, Callable[[Json], Json]]:
        return {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.update": self._update,
            "views.open": self._views_open,
            "views.publish": self._views_publish,
            "views.update": self._views_update,
            "conversations.list": self._conversations_list,
            "conversations.info": self._conversations_info,
            "users.info": self._users_info,
            "files.getUploadURLExternal": self._get_upload_url,
            "files.completeUploadExternal": self._complete_upload,
            "files.list": self._files_list,
        }

    # --- Web API methods ----------------------------------------------------------------------

    def _ts(self) -> str:
        return f"{self._epoch}.{next(self._ids):06d}"

    def _auth_test(self, _params: Json) -> Json:
        return {
            "url": "https://fake.slack.com/",
            "team": "Fake",
            "user": "barback",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _message_text(self, params: Json) -> None:
        if not params.get("channel"):
            raise ApiError("channel_not_found")
        if not (params.get("text") or params.get("blocks") or params.get("attachments")):
            raise ApiError("no_text")
        self._check_blocks(message_error(params))
        channel = self.channels.get(params["channel"])
        if channel is not None and not channel["is_member"]:
            raise ApiError("not_in_channel")

    def _post_message(self, params: Json) -> Json:
        self._message_text(params)
        message = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "ts": self._ts(),
            "text": params.get("text", ""),
            "blocks": params.get("blocks") or [],
        }
        if params.get("thread_ts"):
            message["thread_ts"] = params["thread_ts"]
        self.messages[params["channel"]].append(message)
        return {"channel": params["channel"], "ts": message["ts"], "message": message}

    def _post_ephemeral(self, params: Json) -> Json:
        self._message_text(params)
        if not params.get("user"):
            raise ApiError("user_not_found")
        ts = self._ts()
        self.ephemerals.append({**params, "message_ts": ts})
        return {"message_ts": ts}

    def _update(self, params: Json) -> Json:
        for message in self.messages.get(params.get("channel", ""), []):
            if message["ts"] == params.get("ts"):
                message["text"] = params.get("text", message["text"])
                message["blocks"] = params.get("blocks") or message["blocks"]
                return {"channel": params["channel"], "ts": message["ts"], "message": message}
        raise ApiError("message_not_found")

    def _check_blocks(self, error: str | None) -> None:
        """Block Kit's limits, checked with slack_sdk's models (`tests.fakes.block_kit`)."""
        if error is not None:
            self.refused.append(error)
            raise ApiError(error.split(":")[0])

    def _view(self, view: Json, view_id: str | None = None) -> Json:
        self._check_blocks(view_error(view))
        ids = [block["block_id"] for block in view.get("blocks") or () if block.get("block_id")]
        if len(ids) != len(set(ids)) or any(len(block_id) > 255 for block_id in ids):
            raise ApiError("invalid_arguments")  # Slack: "duplicate block_id" / too long
        vid = view_id or f"V{next(self._ids):08d}"
        return {
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            **view,
            "id": vid,
            "team_id": TEAM_ID,
            "hash": f"{self._epoch}.{uuid.uuid4().hex[:8]}",
            "root_view_id": vid,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            "state": {"values": {}},
        }

    def _views_open(self, params: Json) -> Json:
        if not params.get("trigger_id"):
            raise ApiError("invalid_trigger_id")
        if not isinstance(params.get("view"), dict):
            raise ApiError("invalid_arguments")
        view = self._view(params["view"])
        self.modals.append(view)
        return {"view": view}

    def _views_publish(self, params: Json) -> Json:
        user_id, view = params.get("user_id"), params.get("view")
        if not user_id or not isinstance(view, dict) or view.get("type") != "home":
            raise ApiError("invalid_arguments")
        current = self.home.get(user_id)
        if params.get("hash") and (current is None or current["hash"] != params["hash"]):
            raise ApiError("hash_conflict")
        self.home[user_id] = self._view(view, current["id"] if current else None)
        return {"view": self.home[user_id]}

    def _views_update(self, params: Json) -> Json:
        view_id, external_id = params.get("view_id"), params.get("external_id")
        if not isinstance(params.get("view"), dict) or not (view_id or external_id):
            raise ApiError("invalid_arguments")
        for old in [*self.modals, *self.home.values()]:
            if old["id"] == view_id or (external_id and old["external_id"] == external_id):
                if params.get("hash") and params["hash"] != old["hash"]:
                    raise ApiError("hash_conflict")
                old.update(self._view(params["view"], old["id"]))
                return {"view": old}
        raise ApiError("not_found")

    def _conversations_list(self, params: Json) -> Json:
        types = str(params.get("types") or "public_channel").split(",")
        wanted = [
            channel
            for channel in self.channels.values()
            if ("private_channel" if channel["is_private"] else "public_channel") in types
        ]
        start, limit = int(params.get("cursor") or 0), int(params.get("limit") or 100)
        page = wanted[start : start + limit]
        more = start + limit < len(wanted)
        return {
            "channels": page,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _conversations_info(self, params: Json) -> Json:
        channel = self.channels.get(params.get("channel", ""))
        if channel is None:
            raise ApiError("channel_not_found")
        return {"channel": channel}

    def _users_info(self, params: Json) -> Json:
        user = self.users.get(params.get("user", ""))
        if user is None:
            raise ApiError("user_not_found")
        return {"user": user}

    def _get_upload_url(self, params: Json) -> Json:
        if not params.get("filename") or not str(params.get("length", "")).isdigit():
            raise ApiError("invalid_arguments")
        file_id = f"F{next(self._ids):08d}"
        self.uploads[file_id] = Upload(
            file_id, params["filename"], int(params["length"]), params.get("alt_txt")
        )
        return {"upload_url": f"{self.base_url}/upload/v1/{file_id}", "file_id": file_id}

    def _complete_upload(self, params: Json) -> Json:
        files = params.get("files")
        if not isinstance(files, list) or not files:
            raise ApiError("invalid_arguments")
        done = []
        for entry in files:
            upload = self.uploads.get(entry.get("id", ""))
            if upload is None or upload.data is None:
                raise ApiError("file_not_found")
            upload.title = entry.get("title") or upload.filename
            upload.channel_id = params.get("channel_id") or params.get("channels")
            upload.initial_comment = params.get("initial_comment")
            upload.thread_ts = params.get("thread_ts")
            upload.completed = True
            done.append({"id": upload.file_id, "title": upload.title, "name": upload.filename})
        return {"files": done}

    def _files_list(self, params: Json) -> Json:
        channel = params.get("channel")
        files = [f for f in self.shared if channel is None or channel in f["channels"]]
        count = int(params.get("count") or 100)
        return {
            "files": files[:count],
            "paging": {"count": count, "total": len(files), "page": 1, "pages": 1},
        }

    async def _download(self, request: web.Request) -> web.StreamResponse:
        # Slack answers a download without the bot's token with its sign-in page, not a 401.
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.Response(text="<html>Sign in to Slack</html>", content_type="text/html")
        data = self.shared_data.get(request.match_info["file_id"])
        if data is None:
            raise web.HTTPNotFound()
        return web.Response(body=data, content_type="text/csv")


async def _params(request: web.Request) -> Json:
    """Query string, form and JSON body merged: slack_sdk uses all three (§7.1)."""
    params: Json = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.content_type == "application/x-www-form-urlencoded":
            params.update(await request.post())
    for key in ("blocks", "view", "files", "attachments"):
        value = params.get(key)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            params[key] = json.loads(value)
    return params


async def _first_file_part(request: web.Request) -> bytes:
    reader = await request.multipart()
    async for part in reader:
        if getattr(part, "filename", None):
            return bytes(await part.read())  # type: ignore[union-attr]
    return b""


def _failure_response(failure: _Failure) -> web.Response:
    headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
    return web.json_response(
        {"ok": False, "error": failure.error}, status=failure.status, headers=headers
    )


# --- what Slack sends to the app ----------------------------------------------------------------


def slash_command_body(
    text: str,
    *,
    response_url: str,
    command: str = "/barback",
    user_id: str = "U0MANAGER",
    channel_id: str = "C0BAR",
    team_id: str = TEAM_ID,
    trigger_id: str = "1337.42.abcdef",
) -> str:
    """The form body of a slash command (§3.1), as Slack encodes it."""
    return urlencode(
        {
            "token": "verification-token-unused",
            "team_id": team_id,
            "team_domain": "fake",
            "channel_id": channel_id,
            "channel_name": "bar",
            "user_id": user_id,
            "user_name": "manager",
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    )


def interactive_body(payload: Mapping[str, Any]) -> str:
    """block_actions, view_submission and block_suggestion arrive as `payload=<JSON>` (§3.3)."""
    return "payload=" + quote(json.dumps(payload))


def block_actions_payload(
    action_id: str,
    value: str,
    *,
    response_url: str,
    user_id: str = "U0MANAGER",
    channel_id: str = "C0BAR",
    block_id: str = "actions",
) -> Json:
    return {
        "type": "block_actions",
        "user": {"id": user_id, "username": "manager", "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "verification-token-unused",
        "container": {"type": "message", "channel_id": channel_id, "is_ephemeral": True},
        "trigger_id": "1337.42.abcdef",
        "team": {"id": TEAM_ID, "domain": "fake"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": "bar"},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "block_id": block_id,
                "type": "button",
                "value": value,
                "text": {"type": "plain_text", "text": "button"},
                "action_ts": f"{int(time.time())}.000100",
            }
        ],
    }


def view_submission_payload(
    view: Mapping[str, Any], values: Mapping[str, Any], *, user_id: str = "U0MANAGER"
) -> Json:
    """A view_submission for `view` (as built for views.open) with `state.values` filled in."""
    return {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "fake"},
        "user": {"id": user_id, "username": "manager", "name": "manager", "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "verification-token-unused",
        "trigger_id": "1337.43.abcdef",
        "view": {
            "id": "V0MODAL",
            "team_id": TEAM_ID,
            "type": "modal",
            "private_metadata": "",
            "callback_id": "",
            **view,
            "state": {"values": dict(values)},
            "hash": "1.abc",
            "app_id": APP_ID,
            "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
        },
        "response_urls": [],
        "is_enterprise_install": False,
    }


def view_action_payload(
    view: Mapping[str, Any],
    values: Mapping[str, Any],
    action_id: str,
    value: str,
    *,
    user_id: str = "U0MANAGER",
    block_id: str = "actions",
) -> Json:
    """A button clicked inside a modal (block_actions from a view, §3.3): no response_url, the
    view with what its fields hold in `state.values`."""
    return {
        "type": "block_actions",
        "user": {"id": user_id, "username": "manager", "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "verification-token-unused",
        "container": {"type": "view", "view_id": view.get("id", "V0MODAL")},
        "trigger_id": "1337.44.abcdef",
        "team": {"id": TEAM_ID, "domain": "fake"},
        "enterprise": None,
        "is_enterprise_install": False,
        "view": {
            "team_id": TEAM_ID,
            "type": "modal",
            "private_metadata": "",
            "callback_id": "",
            **view,
            "state": {"values": dict(values)},
            "app_installed_team_id": TEAM_ID,
        },
        "actions": [
            {
                "action_id": action_id,
                "block_id": block_id,
                "type": "button",
                "value": value,
                "text": {"type": "plain_text", "text": "button"},
                "action_ts": f"{int(time.time())}.000300",
            }
        ],
    }


def view_closed_payload(
    view: Mapping[str, Any], values: Mapping[str, Any], *, user_id: str = "U0MANAGER"
) -> Json:
    """The modal closed with its Close button (sent when the view asked `notify_on_close`)."""
    return {
        "type": "view_closed",
        "team": {"id": TEAM_ID, "domain": "fake"},
        "user": {"id": user_id, "username": "manager", "name": "manager", "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "verification-token-unused",
        "view": {
            "team_id": TEAM_ID,
            "type": "modal",
            "private_metadata": "",
            "callback_id": "",
            **view,
            "state": {"values": dict(values)},
            "app_installed_team_id": TEAM_ID,
        },
        "is_cleared": False,
        "is_enterprise_install": False,
    }


def block_suggestion_payload(
    action_id: str, block_id: str, value: str, *, user_id: str = "U0MANAGER"
) -> Json:
    """What an external_select sends while the user types (`value` is the typed text)."""
    return {
        "type": "block_suggestion",
        "user": {"id": user_id, "username": "manager", "team_id": TEAM_ID},
        "team": {"id": TEAM_ID, "domain": "fake"},
        "api_app_id": APP_ID,
        "token": "verification-token-unused",
        "container": {"type": "view", "view_id": "V0MODAL"},
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
        "view": {"id": "V0MODAL", "type": "modal", "app_installed_team_id": TEAM_ID},
        "is_enterprise_install": False,
    }


def event_body(event: Mapping[str, Any], *, team_id: str = TEAM_ID) -> str:
    """An Events API delivery (`event_callback`) of `event`; send with application/json."""
    return json.dumps(
        {
            "token": "verification-token-unused",
            "team_id": team_id,
            "api_app_id": APP_ID,
            "type": "event_callback",
            "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team_id,
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "event": {"event_ts": f"{int(time.time())}.000200", **event},
        }
    )


def app_home_opened_body(user_id: str = "U0MANAGER", tab: str = "home") -> str:
    """The Events API JSON body of app_home_opened (§3.5); send with application/json."""
    return event_body({"type": "app_home_opened", "user": user_id, "channel": "D0HOME", "tab": tab})


def app_uninstalled_body() -> str:
    """What Slack sends when a workspace removes the app (api.slack.com/events/app_uninstalled)."""
    return event_body({"type": "app_uninstalled"})


def tokens_revoked_body(
    *, bot: tuple[str, ...] = (BOT_USER_ID,), oauth: tuple[str, ...] = ()
) -> str:
    """What Slack sends when tokens are revoked (api.slack.com/events/tokens_revoked)."""
    return event_body(
        {"type": "tokens_revoked", "tokens": {"oauth": list(oauth), "bot": list(bot)}}
    )
