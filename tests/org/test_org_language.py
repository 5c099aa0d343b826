"""Org answers in the caller's language: sign-in, passwords and the org tree in Chinese for zh-CN."""

from tests.org.conftest import auth

ZH = {"Accept-Language": "zh-CN"}


async def test_a_wrong_password_is_refused_in_chinese_and_in_english(org):
    form = {"grant_type": "password", "username": "gm", "password": "wrong"}
    zh = await org.post("/api/org/auth/token", data=form, headers=ZH)
    assert zh.status_code == 400 and zh.json()["detail"] == "用户名或密码不正确。"
    assert zh.json()["title"] == "登录被拒绝" and zh.json()["error"] == "invalid_grant"
    en = await org.post("/api/org/auth/token", data=form)
    assert en.json()["detail"] == "The username or password is not correct."


async def test_a_weak_password_is_explained_in_chinese_on_its_field(org):
    headers = {**await auth(org, "admin"), **ZH}
    r = await org.post("/api/org/users", json={"username": "newbie", "display_name": "新人", "password": "abcdefgh"},
                       headers=headers)
    assert r.status_code == 422
    assert r.json()["detail"] == "请设置更强的密码：密码须包含小写字母、大写字母、数字、符号中的至少三类。"
    assert r.json()["errors"][0]["field"] == "password"
