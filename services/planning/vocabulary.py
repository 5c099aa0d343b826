"""The words of planning: the plan kind of each period kind, and the words the SPA shows for kinds,
statuses and actions (frontend/src/locales/zh-CN/plans.json), for Chinese messages."""

from __future__ import annotations

KINDS = {"year": "annual", "quarter": "quarterly", "month": "monthly"}

KIND_ZH = {"annual": "年度", "quarterly": "季度", "monthly": "月度"}
STATUS_ZH = {"draft": "草稿", "submitted": "已提交", "returned": "已退回", "approved": "已批准", "issued": "已下达",
             "published": "已公示", "vetoed": "已否决", "closed": "已关闭"}
ACTION_ZH = {"create": "创建", "submit": "提交", "approve": "批准", "countersign": "会签", "return": "退回",
             "veto": "否决", "issue": "下达", "publish": "公示", "revise": "调整", "suggest": "建议", "guide": "指导",
             "answer_suggestion": "答复建议", "withdraw": "撤回", "transfer": "转办", "add_signer": "加签",
             "cc": "抄送", "sign_added": "加签审批", "opinion": "加签意见"}
SUGGESTION_STATUS_ZH = {"open": "待答复", "accepted": "已采纳", "declined": "未采纳"}
