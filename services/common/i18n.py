"""The server's two languages: Chinese for people (the SPA sends ``Accept-Language: zh-CN``),
English for integrators and for callers that say nothing.

Domain code gives both texts where it raises (``Conflict("…", zh="…")``); the Problem handlers
choose by the request's ``Accept-Language``. Field names in Chinese messages are the labels
users see (:data:`FIELD_LABELS_ZH`), never the JSON names.
"""

from __future__ import annotations

from contextvars import ContextVar

ZH, EN = "zh-CN", "en"

# The language of the request being handled (set by the app factory), for messages that are
# not Problems: a batch item's or an import row's reasons.
language: ContextVar[str] = ContextVar("language", default=EN)


def say(en: str, zh: str | None) -> str:
    """``en`` or ``zh``, as the caller of the current request prefers."""
    return zh if zh and language.get() == ZH else en


def preferred_language(accept_language: str | None) -> str:
    """``zh-CN`` when the caller's most preferred language is Chinese, else ``en`` (RFC 9110 q-values)."""
    best, best_q = EN, -1.0
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        if not tag:
            continue
        q = 1.0
        for p in params.split(";"):
            name, _, value = p.strip().partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        # earlier entries win ties, as browsers list them in order of preference
        if q > best_q and q > 0:
            best, best_q = (ZH if tag == "zh" or tag.startswith("zh-") else EN), q
    return best


TITLES_ZH: dict[str, str] = {
    "bad-request": "请求有误",
    "unauthorized": "未登录或登录已失效",
    "forbidden": "没有权限",
    "not-found": "未找到",
    "method-not-allowed": "不支持此操作",
    "not-acceptable": "无法按要求的格式回答",
    "conflict": "与当前状态冲突",
    "concurrent-change": "数据已被他人修改",
    "payload-too-large": "内容过大",
    "unsupported-media-type": "不支持的内容类型",
    "too-many-requests": "请求过于频繁",
    "precondition-failed": "数据已被他人修改，请刷新后重试",
    "precondition-required": "缺少版本号（If-Match）",
    "service-unavailable": "服务暂不可用",
    "validation-error": "输入有误",
    "internal-error": "服务器内部错误",
    "not-ready": "服务尚未就绪",
    "auth-unavailable": "登录服务暂不可用",
    "http-error": "请求失败",
}

# JSON field name (the last part of a dotted location) → the label users see in the SPA.
FIELD_LABELS_ZH: dict[str, str] = {
    "comment": "意见",
    "reason": "理由",
    "title": "标题",
    "name": "名称",
    "period": "期间",
    "unit_id": "单位",
    "unit": "计量单位",
    "value": "数值",
    "targets": "目标",
    "tasks": "任务",
    "resources": "资源",
    "owner_id": "责任人",
    "owner_name": "责任人",
    "due": "完成期限",
    "start": "开始日期",
    "amount": "金额",
    "indicator_code": "指标",
    "indicator_id": "指标",
    "measured_at": "测量时间",
    "warning": "预警值",
    "critical": "临界值",
    "description": "说明",
    "parent_plan_id": "上级计划",
    "linked_risks": "关联风险",
    "password": "密码",
    "username": "用户名",
}


def field_label(field: str) -> str:
    """``targets.3.value`` → ``目标 第 4 项 数值``: each known name by its label, list positions from 1."""
    out: list[str] = []
    for part in field.split("."):
        if part.isdigit():
            out.append(f"第 {int(part) + 1} 项")
        else:
            out.append(FIELD_LABELS_ZH.get(part, part))
    return " ".join(out)
