"""A file shared in the channel, for `/barback ... import <file>`: Slack's `FileSource`.

A manager drags a CSV into the channel, then types the command there; the newest file of that
name shared in the channel is read (`files.list`, then its private download URL with the bot's
token, as Slack requires: slack-platform.md §4.3). Bounded like the terminal's files
(`MAX_FILE_BYTES`); a name nobody shared, or a download Slack refuses, is an `InvalidInput` saying
what to do.
"""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands.bulk.files import MAX_FILE_BYTES
from engine.errors import InvalidInput

NOT_SHARED = "no file named {name} was shared in this channel (of its newest {n})"
NOT_SHARED_HINT = "drag the file into this channel, then type the command again"
NO_CHANNEL = "an import reads a file shared in a channel: type it in that channel"
DOWNLOAD_TIMEOUT = aiohttp.ClientTimeout(total=30)
LISTED = 100


class SlackFiles:
    def __init__(self, client: AsyncWebClient, channel_id: str | None) -> None:
        self._client = client
        self._channel = channel_id

    async def read(self, name: str) -> bytes:
        if self._channel is None:
            raise InvalidInput(NO_CHANNEL)
        try:
            listed = await self._client.files_list(channel=self._channel, count=LISTED)
        except SlackApiError as error:
            raise InvalidInput(
                f"Slack did not list this channel's files ({error.response.get('error')})",
                hint="the app needs the files:read scope: reinstall it from its manifest",
            ) from None
        wanted = name.strip().casefold()
        files = [
            f for f in listed.get("files") or [] if str(f.get("name", "")).casefold() == wanted
        ]
        if not files:
            raise InvalidInput(NOT_SHARED.format(name=name, n=LISTED), hint=NOT_SHARED_HINT)
        newest = max(files, key=lambda f: int(f.get("created") or 0))
        size = int(newest.get("size") or 0)
        if size > MAX_FILE_BYTES:
            raise InvalidInput(f"{name} has {size:,} bytes; an import takes {MAX_FILE_BYTES:,}")
        url = newest.get("url_private_download") or newest.get("url_private")
        if not isinstance(url, str):
            raise InvalidInput(f"Slack gave no download for {name}")
        return await self._download(url, name)

    async def _download(self, url: str, name: str) -> bytes:
        headers = {"Authorization": f"Bearer {self._client.token}"}
        try:
            async with (
                aiohttp.ClientSession(timeout=DOWNLOAD_TIMEOUT) as session,
                session.get(url, headers=headers) as response,
            ):
                # Without a valid token Slack answers 200 with its sign-in page.
                if response.status != 200 or response.content_type == "text/html":
                    raise InvalidInput(f"Slack refused the download of {name}")
                data = await response.content.read(MAX_FILE_BYTES + 1)
        except (aiohttp.ClientError, TimeoutError):
            raise InvalidInput(f"Slack did not send {name}; try again") from None
        if len(data) > MAX_FILE_BYTES:
            raise InvalidInput(f"{name} is over {MAX_FILE_BYTES:,} bytes")
        return data
