"""Front-end neutral commands: grammar, session, replies. No Slack, no matplotlib here."""
