"""The server's two languages: Chinese for people (the SPA sends ``Accept-Language: zh-CN``),
English for integrators and for callers that say nothing.

Domain code gives both texts where it raises (``Conflict("…", zh="…")``); the Problem handlers
choose by the request's ``Accept-Language``. Field names in Chinese messages are the labels
users see (:data:`FIELD_LABELS_ZH`), never the JSON names.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar

from starlette.types import Scope

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
    for part in (accept_language or "").split(","):
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
    "vendor-error": "身份源接口返回错误",
    "validation-error": "输入有误",
    "internal-error": "服务器内部错误",
    "not-ready": "服务尚未就绪",
    "auth-unavailable": "登录服务暂不可用",
    "http-error": "请求失败",
    "upstream-unavailable": "服务暂不可用",
    "upstream-timeout": "服务响应超时",
    "bad-gateway": "服务响应无效",
    "oauth/invalid-request": "登录被拒绝",
    "oauth/invalid-grant": "登录被拒绝",
    "oauth/invalid-client": "登录被拒绝",
    "oauth/unsupported-grant-type": "登录被拒绝",
}

# JSON field name (the last part of a dotted location) → the label users see in the SPA
# (frontend/src/locales/zh-CN: the form labels, so a message names the field the user sees).
FIELD_LABELS_ZH: dict[str, str] = {
    # plans
    "title": "标题",
    "name": "名称",
    "period": "期间",
    "kind": "类型",
    "targets": "业务目标",
    "tasks": "工作任务",
    "resources": "资源需求",
    "milestones": "时间节点",
    "measures": "措施",
    "guidance": "总体要求和指导方针",
    "risk_notes": "风险评估与应对措施",
    "parent_plan_id": "上级计划",
    "plan_id": "计划",
    "task_id": "任务",
    "suggestion_id": "建议",
    "linked_risks": "关联风险",
    "indicator_code": "指标",
    "indicator_id": "指标",
    "value": "数值",
    "unit": "计量单位",
    "aggregation": "汇总方式",
    "quantity": "数量",
    "amount": "金额",
    "amount_unit": "金额单位",
    "adjustment_id": "平衡调整",
    "owner_id": "责任人",
    "owner_name": "责任人",
    "start": "开始日期",
    "due": "完成期限",
    "progress": "完成百分比",
    "evidence": "佐证材料",
    "comment": "意见",
    "reason": "理由",
    "text": "内容",
    "response": "答复",
    "accepted": "是否采纳",
    "signers": "签署方式",
    "cc": "抄送",
    # approval controls (main's request fields, labelled here so Chinese 422s name them)
    "control": "审批操作",
    "position": "加签位置",
    "user_ids": "人员",
    # the records' attachments and activity (main's fields)
    "attachment_id": "附件",
    "order": "排序方式",
    "time_limit_days": "办理时限（工作日）",
    "channels": "通知渠道",
    "in_app": "在企业微信内打开",
    "channel": "渠道",
    "vendor": "平台",
    "kinds": "推送类别",
    "include_subunits": "含下级单位",
    "secret": "签名密钥",
    "robot_id": "群机器人",
    "message_id": "外发消息",
    "quiet_hours": "免打扰时段",
    "end": "结束时间",
    "language": "语言",
    "unread": "仅未读",
    "notification_id": "通知",
    "watch_id": "待办事项",
    "limit_days": "办理时限（工作日）",
    "remind_before_days": "提前提醒（工作日）",
    "escalate_after_days": "超时升级（工作日）",
    "day": "日期",
    "workday": "是否工作日",
    "year": "年份",
    "stages": "审批环节",
    "final_action": "最终环节",
    "week": "周",
    "summary": "本周总结",
    "problems": "问题",
    "help_needed": "需协调",
    "items": "条目",
    # kpi
    "code": "编码",
    "name_en": "英文名称",
    "category": "类别",
    "direction": "方向",
    "frequency": "频率",
    "formula": "公式",
    "threshold_mode": "阈值方式",
    "warning": "预警值",
    "critical": "告警值",
    "active": "状态",
    "measured_at": "测量时间",
    "source": "数据来源",
    "as_of": "截至日期",
    "origin": "来源",
    "origin_ref": "来源",
    "note": "备注",
    "done": "完成进度",
    "scorecard_id": "考核模板",
    "subject_kind": "考核对象类型",
    "person_id": "被考核人",
    "person_name": "被考核人",
    "qualitative": "定性项",
    "score": "得分",
    "max_score": "满分",
    "weight": "权重",
    "grades": "等级划分",
    "grade": "等级",
    "min": "最低分",
    "outcomes": "奖惩",
    "incomplete_reason": "定稿理由",
    "rule": "计分规则",
    "tiers": "阶梯",
    "cap": "封顶",
    "floor": "否决线",
    "per_percent": "每低 1% 扣分",
    "key": "键",
    "label": "名称",
    "operator": "条件",
    "follow_up": "跟进方式",
    "due_days": "处理期限",
    "target": "目标",
    "target_id": "目标",
    "threshold_id": "阈值",
    "rule_id": "规则",
    "benchmark_id": "标杆",
    "action_id": "改进措施",
    "assessment_id": "考核",
    "file": "文件",
    "format": "格式",
    "preview": "预览",
    "from": "起始",
    "to": "截止",
    # risk
    "description": "说明",
    "strategy": "应对策略",
    "strategy_note": "策略说明",
    "status": "状态",
    "likelihood": "可能性",
    "impact": "影响程度",
    "level": "等级",
    "basis": "评估依据",
    "next_review_date": "下次复核",
    "review_before": "复核截止",
    "contingency_plan": "应急预案",
    "trigger": "触发条件",
    "steps": "处置步骤",
    "fallback_resources": "备用资源",
    "due_in_days": "完成天数",
    "expires_on": "接受有效期",
    "risk_id": "风险",
    "severity": "严重程度",
    "source_ref": "来源项",
    "budget_item": "预算科目",
    "source_id": "来源编号",
    "finding_id": "发现问题",
    "file_id": "文件",
    "inline": "在页面中显示",
    "risk_ids": "风险",
    "kri_id": "关键风险指标",
    "alert_id": "预警",
    "bands": "等级区间",
    "min_score": "最低分值",
    "matrix_id": "评估矩阵",
    "include_closed": "含已关闭",
    "mine": "只看我的",
    "overdue": "仅看逾期",
    # org
    "unit_id": "组织单元",
    "parent_id": "上级单元",
    "under": "上级单元",
    "password": "密码",
    "current_password": "当前密码",
    "new_password": "新密码",
    "username": "用户名",
    "display_name": "姓名",
    "email": "邮箱",
    "user_id": "用户",
    "from_user_id": "委托人",
    "to_user_id": "受托人",
    "starts_at": "开始时间",
    "ends_at": "结束时间",
    "start_date": "开始日期",
    "end_date": "结束日期",
    "position_id": "岗位",
    "role_id": "角色",
    "assignment_id": "任职",
    "import_id": "导入记录",
    "delegation_id": "委托",
    "right": "权力",
    "rights": "权力",
    "scope": "范围",
    "grants": "授权",
    "held_in": "持有单位",
    "held_in_unit_id": "持有单位",
    "subtree": "本单位及下属",
    "heads_unit": "单位负责人",
    "responsibilities": "岗位职责",
    "requirements": "任职要求",
    "education": "学历",
    "years_experience": "工作年限",
    "management_years": "管理年限",
    "skills": "技能",
    "training": "培训",
    "traits": "素质",
    "client_id": "客户端编号",
    "client_secret": "客户端密钥",
    "grant_type": "授权方式",
    "refresh_token": "刷新令牌",
    "token": "令牌",
    # events, audit, lists
    "url": "URL",
    "event_types": "事件类型",
    "webhook_id": "订阅",
    "delivery_id": "投递记录",
    "subject_type": "对象类型",
    "subject_id": "对象",
    "actor": "操作人",
    "action": "操作",
    "cursor": "分页位置",
    "limit": "每页条数",
    "q": "搜索",
    "data": "数据",
    "body": "请求内容",
    # comments on records (issue 23)
    "record_id": "记录",
    "comment_id": "评论",
    "reply_to": "回复的评论",
    "id": "编号",
    "client_pk": "API 客户端",
    "mode": "方式",
    "over": "审批范围",
    "on": "日期",
    "type": "类型",
    "subject": "对象",
    "occurred_at": "发生时间",
    "unit_path": "组织单元",
    "token_type_hint": "令牌类型",
    # directory sync (DingTalk, WeCom, Feishu contacts)
    "provider_id": "身份源",
    "dry_run": "仅预演",
    # SCIM provisioning (org)
    "provider_key": "身份提供方",
    "token_id": "SCIM 令牌",
    # identity providers and single sign-on (issue 18)
    "issuer": "签发者地址",
    "agent_id": "应用 AgentId",
    "scopes": "授权范围",
    "link_claim": "关联字段",
    "jit": "首次登录自动创建用户",
    "sync_enabled": "同步通讯录",
    "config": "其他配置",
    "enabled": "启用",
    "redirect": "登录后跳转地址",
    "state": "登录状态参数",
    "require_sso": "要求单点登录",
    "logout_token": "登出令牌",
    "post_logout_redirect_uri": "退出后跳转地址",
    "error": "错误代码",
    "error_description": "错误说明",
    # audit anchors (services → org)
    "service": "服务",
    "seq": "序号",
    "hash": "哈希值",
    # special audits (kpi audits)
    "topic": "审计事项",
    "unit_ids": "被审计单位",
    "period_start": "审计期间开始",
    "period_end": "审计期间结束",
    "leader": "审计组长",
    "members": "审计组员",
    "planned_start": "计划开始日期",
    "planned_end": "计划结束日期",
    "notice_text": "审计通知内容",
    "response_due": "反馈截止日期",
    "report": "审计报告",
    "responses": "被审计单位意见",
    "verdict": "意见",
    "resolutions": "异议处理",
    "decision": "决定",
    "reasoning": "处理理由",
    "audit_id": "专项审计",
    "risk": "风险登记",
    # process optimisation projects (planning, issue 19)
    "finding_title": "发现问题标题",
    "links": "关联",
    "ref": "参考编号",
    "next_review": "下次评审日期",
    "outcome": "结果",
    "stage": "阶段",
    "project_id": "流程优化项目",
    "milestone_id": "里程碑",
    "review_due": "评审到期",
    # improvement proposals (合理化建议)
    "problem": "存在问题",
    "suggestion": "改进建议",
    "expected_benefit": "预期效益",
    "anonymous": "匿名",
    "project_owner_id": "项目负责人",
    "project_owner_name": "项目负责人姓名",
    "benefit": "实际效益",
    "benefit_amount": "效益金额（元）",
    "allow_anonymous": "允许匿名建议",
    "reward_levels": "奖励标准",
    "categories": "建议类别",
    "points": "积分",
    "proposal_id": "合理化建议",
    # inspections (kpi 实地检查)
    "unit_kind": "适用单位类型",
    "criterion": "检查标准",
    "pass_score": "合格分",
    "template_id": "检查表",
    "inspector_position_id": "检查岗位",
    "inspector_title": "检查岗位名称",
    "results": "检查结果",
    "finding_due": "整改期限",
    "inspection_id": "检查",
    "schedule_id": "检查计划",
    "due_before": "截止日期不晚于",
    "open": "未完成",
    # budgets (kpi)
    "item_code": "预算科目",
    "parent_code": "上级科目",
    "sort": "排序",
    "history": "含历史",
    # rewards and penalties (奖惩, issue 20)
    "routine_weight": "日常考核权重",
    "lines": "奖惩标准",
    "sanction_id": "奖惩记录",
    # training (培训管理, issue 20)
    "course": "课程",
    "courses": "课程",
    "required": "必修",
    "audience_position_ids": "培训对象（岗位）",
    "audience_user_ids": "培训对象（人员）",
    "planned_sessions": "计划场次",
    "hours": "学时",
    "course_id": "课程",
    "held_on": "培训日期",
    "trainer_id": "讲师",
    "trainer_name": "讲师姓名",
    "location": "培训地点",
    "attendance": "签到表",
    "attended": "出勤",
    "result": "考核结果",
    "number": "证书编号",
    "issued_on": "发证日期",
    "remind_days": "提前提醒天数",
    "awaiting_me": "待我审批",
    "expiring": "即将到期",
    "session_id": "培训场次",
    "certification_id": "证书",
}

RIGHTS_ZH: dict[str, str] = {
    "plan": "计划权", "suggest": "建议权", "veto": "否决权", "dispatch": "调度权",
    "assess": "考核权", "guide": "指导权", "view": "查看权", "admin": "管理权",
}

SERVICES_ZH: dict[str, str] = {"org": "组织", "planning": "计划", "kpi": "指标", "risk": "风险"}

UNIT_KINDS_ZH: dict[str, str] = {
    "company": "公司", "branch": "分公司", "department": "部门", "section": "科", "team": "组",
}


def zh_list(words: Iterable[str]) -> str:
    """Names joined as Chinese lists them: 计划权、否决权."""
    return "、".join(words)


def rights_zh(rights: Iterable[str]) -> str:
    return zh_list(RIGHTS_ZH.get(r, r) for r in rights)


class Bilingual(str):
    """English text that knows its Chinese (``.zh``): for helpers whose text ends up in a Problem."""

    zh: str

    def __new__(cls, en: str, zh: str) -> Bilingual:
        text = super().__new__(cls, en)
        text.zh = zh
        return text


def zh_of(text: object) -> str:
    """The Chinese of a :class:`Bilingual` text or of an exception that carries ``zh``, else the text itself."""
    return getattr(text, "zh", None) or str(text)


def field_label(field: str) -> str:
    """``targets.3.value`` → ``目标 第 4 项 数值``: each known name by its label, list positions from 1."""
    out: list[str] = []
    for part in field.split("."):
        if part.isdecimal():  # not isdigit(): "³" is a digit int() refuses (a 500 for a body with such a key)
            out.append(f"第 {int(part) + 1} 项")
        else:
            out.append(FIELD_LABELS_ZH.get(part, part))
    return " ".join(out)


def scope_language(scope: Scope) -> str:
    """:func:`preferred_language` of a raw ASGI request (middleware and the gateway's proxy)."""
    for name, value in scope.get("headers") or ():
        if name == b"accept-language":
            return preferred_language(value.decode("latin-1"))
    return EN


class InvalidValue(ValueError):
    """A validator's refusal that knows its Chinese: pydantic reports it as a ``value_error`` and the
    422 handler shows ``zh`` to Chinese callers."""

    def __init__(self, message: str, zh: str):
        super().__init__(message)
        self.zh = zh
