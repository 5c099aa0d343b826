"""Company identity: sign-in through the company's providers (OIDC, DingTalk, WeCom, Feishu), linked to
Yunguan's own users, whose positions stay the source of what they may do."""
