"""The roles the documents describe, and the demo company (华东燃气有限公司)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.org.events import UnitData
from services.org.journal import journal
from services.org.models import Assignment, Position, Role, Unit, User
from services.org.units import tree
from services.org.users.passwords import Passwords

DEMO_PASSWORD = "Demo@2026"

_LEAD = ["plan", "suggest", "veto", "dispatch"]


def _rs(rights: list[str], scope: str) -> list[dict[str, str]]:
    return [{"right": r, "scope": scope} for r in rights]


# (key, name, name_en, description, rights) — rights as the documents' 权力范围 give them.
SEED_ROLES = [
    ("general_manager", "总经理", "General manager", "公司最高管理者：对公司运营有全部权力",
     _rs([*_LEAD, "assess", "guide", "view"], "subtree")),
    ("operations_director", "运营总监", "Operations director",
     "对公司的管理运营有计划权、建议权、否决权、调度权；对下属各职能部门有考核权和指导权；对总经理决策有建议权",
     _rs([*_LEAD, "view"], "company") + _rs(["assess", "guide"], "subordinates") + _rs(["suggest"], "superior")),
    ("branch_general_manager", "分公司总经理", "Branch general manager",
     "对分公司的管理运营有计划权、建议权、否决权、调度权；对下属各职能部门有考核权和指导权；对运营总监决策有建议权",
     _rs([*_LEAD, "view"], "subtree") + _rs(["assess", "guide"], "subordinates") + _rs(["suggest"], "superior")),
    ("department_manager", "部门经理", "Department manager",
     "对部门的管理运营有计划权、建议权、否决权、调度权；对下属各职能部门主管有考核权和指导权；对运营总监决策有建议权",
     _rs([*_LEAD, "view"], "subtree") + _rs(["assess", "guide"], "subordinates") + _rs(["suggest"], "superior")),
    ("supervisor", "主管", "Supervisor",
     "对本科室/小组的运营有计划权、建议权、否决权、调度权；对下属人员有考核权和指导权；对上级经理有建议权",
     _rs([*_LEAD, "view"], "subtree") + _rs(["assess", "guide"], "subordinates") + _rs(["suggest"], "superior")),
    ("specialist", "专员", "Specialist", "执行本岗位工作，可查看本单位数据；对本单位及上级经理的决策有建议权",
     _rs(["view", "suggest"], "self") + _rs(["suggest"], "superior")),
    ("system_admin", "系统管理员", "System administrator", "管理组织架构、角色与权限、用户与接口客户端",
     _rs(["admin", "view"], "company")),
]

REQ_SENIOR = {"education": "管理类相关专业毕业",
              "training": ["管理学", "财务管理", "企业运营管理", "领导艺术", "领导执行力", "生产作业管理"],
              "years_experience": 8, "management_years": 6,
              "skills": ["出众的领导管理才能", "良好的商业理念", "组织及策划能力", "沟通技巧"],
              "traits": ["办事认真严谨", "追求成功，精力充沛", "可以承受较大工作压力"]}
REQ_MANAGER = {**REQ_SENIOR, "years_experience": 6, "management_years": 4}
REQ_STAFF = {"education": "大专及以上", "training": ["岗位业务培训"], "years_experience": 1, "management_years": 0,
             "skills": ["数据分析", "办公软件"], "traits": ["认真细致"]}

# (code, name, kind, parent code)
DEMO_UNITS = [
    ("HDGAS", "华东燃气有限公司", "company", None),
    ("OPS", "运营管理部", "department", "HDGAS"),
    ("OPS-SUP", "供应科", "section", "OPS"),
    ("OPS-DIS", "调度科", "section", "OPS"),
    ("OPS-SAF", "安全科", "section", "OPS"),
    ("OPS-CS", "客户服务科", "section", "OPS"),
    ("MKT", "市场部", "department", "HDGAS"),
    ("MKT-RES", "市场调研组", "team", "MKT"),
    ("MKT-PLN", "市场策划组", "team", "MKT"),
    ("FIN", "财务部", "department", "HDGAS"),
    ("SZ", "苏州分公司", "branch", "HDGAS"),
    ("SZ-SALES", "销售部", "department", "SZ"),
    ("SZ-CS", "客服部", "department", "SZ"),
]

# (username, display name, unit code, role key, position title, responsibilities, requirements)
DEMO_USERS = [
    ("admin", "系统管理员", "HDGAS", "system_admin", "系统管理员", ["维护组织架构、角色权限与用户"], REQ_STAFF),
    ("gm", "王总经理", "HDGAS", "general_manager", "总经理",
     ["提出年度运营计划的总体要求和指导方针", "审批年度、季度运营计划", "决定公司重大运营事项"], REQ_SENIOR),
    ("ops_director", "李运营总监", "OPS", "operations_director", "运营总监",
     ["负责建设和发展运营团队，组织开展员工队伍培训、考核评价及人才梯队建设工作",
      "汇总各部门计划，综合平衡和协调，形成公司运营计划草案", "跟踪计划执行，主持每周运营工作例会"], REQ_SENIOR),
    ("market_mgr", "张市场部经理", "MKT", "department_manager", "市场部经理",
     ["根据公司发展战略，编制年、季、月市场开发计划", "组织市场调研与策划工作"], REQ_SENIOR),
    ("branch_gm", "陈分公司总经理", "SZ", "branch_general_manager", "分公司总经理",
     ["负责制定具体的销售计划和进行销售预测", "负责分公司的销售目标达成", "制定和完善分公司的各种管理制度"],
     REQ_MANAGER),
    ("supply_head", "赵供应科主管", "OPS-SUP", "supervisor", "供应科主管",
     ["负责燃气供应计划与供应商管理", "组织供应中断等风险的应急处置"], REQ_MANAGER),
    ("analyst", "刘市场调研专员", "MKT-RES", "specialist", "市场调研专员",
     ["收集市场与竞争对手信息", "编写市场调研报告"], REQ_STAFF),
]
# The demo posts that head their units (负责人): their units' own members are their subordinates too.
DEMO_HEADS = {"gm", "ops_director", "market_mgr", "branch_gm", "supply_head"}


async def ensure_roles(session: AsyncSession) -> dict[str, Role]:
    """Seed the documents' roles when the role table is empty; return roles by key."""
    roles = {r.key: r for r in (await session.execute(select(Role))).scalars()}
    if roles:
        return roles
    for key, name, name_en, desc, rights in SEED_ROLES:
        role = Role(key=key, name=name, name_en=name_en, description=desc, rights=rights)
        session.add(role)
        roles[key] = role
    await session.flush()
    for role in roles.values():
        await journal.audit(session, actor="system", action="role.created", subject_type="role", subject_id=role.id,
                           after={"key": role.key, "name": role.name, "rights": role.rights}, note="seed")
    return roles


async def seed_demo(session: AsyncSession, passwords: Passwords) -> bool:
    """Create the demo company and its users on an empty database; False when data exists."""
    roles = await ensure_roles(session)
    if (await session.execute(select(func.count()).select_from(Unit))).scalar_one():
        return False
    units: dict[str, Unit] = {}
    for code, name, kind, parent in DEMO_UNITS:
        unit = await tree.create_unit(session, parent=units[parent] if parent else None, name=name, code=code,
                                      kind=kind)
        units[code] = unit
        await journal.emit(session, "org.unit.created", unit.id,
                           UnitData(id=unit.id, parent_id=unit.parent_id, name=name, code=code, kind=kind,
                                    path=unit.path, version=unit.version), unit.path)
    password_hash = passwords.hash(DEMO_PASSWORD)
    for username, display, unit_code, role_key, title, duties, reqs in DEMO_USERS:
        # e-mail at the reserved .example domain: nothing leaves a demo, and notifications show where it would go
        user = User(username=username, display_name=display, email=f"{username}@hdgas.example",
                    password_hash=password_hash)
        pos = Position(unit_id=units[unit_code].id, role_id=roles[role_key].id, title=title,
                       heads_unit=username in DEMO_HEADS,
                       responsibilities=duties, requirements=reqs)
        session.add_all([user, pos])
        await session.flush()
        session.add(Assignment(user_id=user.id, position_id=pos.id, start_date=date(2026, 1, 1)))
    await session.flush()
    await journal.audit(session, actor="system", action="demo.seeded", subject_type="org", subject_id="demo",
                       after={"units": len(DEMO_UNITS), "users": len(DEMO_USERS)}, note="demo seed")
    return True
