#!/usr/bin/env python3
"""Generate the bundled example county, ``src/lianxue_core/examples/deqing.toml``.

Usage::

    python tools/make_example.py [OUTPUT]      # default: src/lianxue_core/examples/deqing.toml

The county follows the structure named in 德组通〔2016〕18号 (Deqing County, 湖州市, 浙江省): county organs and
public institutions under the 县直属机关党工委 (plan 1), towns and streets with their 机关 branches (plan 2), villages
and communities (plan 3), and two-new organizations under the towns and under the three development zones
开发区、临杭工业区、科技新城 (plan 4). Town, street, village and community names are Deqing's; the party
organization settings, the enterprises, the social organizations and every person are made up for the example.

Standard library only, no network, a fixed random seed and a fixed order: running it twice writes the same bytes,
and ``tests/test_example.py`` checks that the committed file is exactly what this script writes.
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "src" / "lianxue_core" / "examples" / "deqing.toml"

#: The date of 德组通〔2016〕18号, as the seed: changing it changes every name and count.
SEED = 20160504

# ── The county, as data ───────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Village:
    """A village (村) or community (社区). ``branches`` > 0 makes it a 党总支 with that many 党支部."""

    id: str
    name: str
    branches: int = 0
    evening: bool = False  # meets in the evening (19:00) and may meet at weekends
    hilly: bool = False  # a mountain village: more elderly members, smaller


@dataclass(frozen=True)
class TwoNew:
    """A two-new organization's branch (两新组织党支部)."""

    id: str
    name: str
    members: int
    zone: str | None = None  # the development zone that supervises it, when not the town
    social: bool = False  # 社会组织 rather than 非公企业
    joint: bool = False  # a 联合党支部 of several small organizations


@dataclass(frozen=True)
class Town:
    id: str
    name: str  # 新市镇, 武康街道
    street: bool
    villages: tuple[Village, ...] = ()
    communities: tuple[Village, ...] = ()
    two_new: tuple[TwoNew, ...] = ()

    @property
    def committee_name(self) -> str:
        return f"{self.name}党工委" if self.street else f"{self.name}党委"


TOWNS: tuple[Town, ...] = (
    Town(
        "wukang",
        "武康街道",
        street=True,
        villages=(Village("shangbai", "上柏村", evening=True),),
        communities=(
            Village("yingxi", "英溪社区"),
            Village("yuyingfang", "余英坊社区", branches=2),
            Village("yongan", "永安社区", evening=True),
        ),
        two_new=(
            TwoNew("wukang-shehui", "武康街道社会组织联合党支部", 14, social=True, joint=True),
            TwoNew("wukang-jiahe", "浙江嘉禾智能装备有限公司党支部", 27),
        ),
    ),
    Town(
        "wuyang",
        "舞阳街道",
        street=True,
        villages=(Village("shanmin", "山民村"), Village("tashan", "塔山村", evening=True)),
        communities=(Village("chengbei", "城北社区"), Village("qianqiu", "千秋社区")),
        two_new=(
            TwoNew("wuyang-dixin", "德清地信云图科技有限公司党支部", 23, zone="kejixincheng"),
            TwoNew("wuyang-beidou", "浙江北斗星图测绘有限公司党支部", 18, zone="kejixincheng"),
            TwoNew("wuyang-yigong", "舞阳街道志愿服务协会党支部", 9, social=True),
        ),
    ),
    Town(
        "fuxi",
        "阜溪街道",
        street=True,
        villages=(
            Village("wusi", "五四村", branches=2, evening=True),
            Village("guozhao", "郭肇村"),
            Village("longsheng", "龙胜村", hilly=True),
        ),
        communities=(Village("fuxi-shequ", "阜溪社区"),),
        two_new=(
            TwoNew("fuxi-hengrui", "浙江恒瑞精密机械股份有限公司党支部", 64, zone="kaifaqu"),
            TwoNew("fuxi-lvyuan", "德清绿源新材料有限公司党支部", 21, zone="kaifaqu"),
            TwoNew("fuxi-xiaowei", "阜溪街道小微企业联合党支部", 12, joint=True),
        ),
    ),
    Town(
        "xinshi",
        "新市镇",
        street=False,
        villages=(
            Village("caijie", "蔡界村"),
            Village("meilin", "梅林村", evening=True),
            Village("songshi", "宋市村"),
            Village("jiayuan", "加元村", branches=3, evening=True),
            Village("baibiao", "白彪村"),
        ),
        communities=(Village("xianxi", "仙溪社区"),),
        two_new=(
            TwoNew("xinshi-jinsi", "德清锦丝纺织有限公司党支部", 31),
            TwoNew("xinshi-siye", "新市镇丝绸企业联合党支部", 16, joint=True),
            TwoNew("xinshi-laoxie", "新市镇老年协会党支部", 11, social=True),
        ),
    ),
    Town(
        "qianyuan",
        "乾元镇",
        street=False,
        villages=(
            Village("jinhuo", "金火村"),
            Village("qixing", "齐星村", evening=True),
            Village("lianhe", "联合村"),
        ),
        communities=(Village("beimen", "北门社区"),),
        two_new=(
            TwoNew("qianyuan-tianhe", "德清天禾建材有限公司党支部", 19),
            TwoNew("qianyuan-shanghui", "乾元镇商会党支部", 13, social=True),
        ),
    ),
    Town(
        "luoshe",
        "洛舍镇",
        street=False,
        villages=(
            Village("dongheng", "东衡村", branches=2),
            Village("shacun", "砂村村", evening=True),
            Village("zhangluwan", "张陆湾村"),
            Village("sanjia", "三家村"),
        ),
        two_new=(
            TwoNew("luoshe-gangqin", "洛舍镇钢琴企业联合党支部", 22, joint=True),
            TwoNew("luoshe-senhe", "德清森禾木业有限公司党支部", 15),
        ),
    ),
    Town(
        "zhongguan",
        "钟管镇",
        street=False,
        villages=(
            Village("lishan", "蠡山村"),
            Village("nanshe", "南舍村", evening=True),
            Village("gancun", "干村"),
            Village("maoshan", "茅山村"),
        ),
        two_new=(
            TwoNew("zhongguan-ruifeng", "德清瑞丰电子有限公司党支部", 26),
            TwoNew("zhongguan-hezuoshe", "钟管镇农民专业合作社联合党支部", 10, social=True, joint=True),
        ),
    ),
    Town(
        "moganshan",
        "莫干山镇",
        street=False,
        villages=(
            Village("laoling", "劳岭村", hilly=True, evening=True),
            Village("xiantan", "仙潭村", hilly=True),
            Village("houwu", "后坞村", hilly=True, evening=True),
            Village("liaoyuan", "燎原村", hilly=True),
        ),
        two_new=(
            TwoNew("moganshan-minsu", "莫干山镇民宿行业联合党支部", 24, joint=True),
            TwoNew("moganshan-huwai", "莫干山镇户外运动协会党支部", 8, social=True),
        ),
    ),
    Town(
        "leidian",
        "雷甸镇",
        street=False,
        villages=(
            Village("yanglin", "杨林村"),
            Village("dongxin", "东新村", evening=True),
            Village("xinli", "新利村"),
        ),
        two_new=(
            TwoNew("leidian-huatong", "浙江华通物流有限公司党支部", 17, zone="linhang"),
            TwoNew("leidian-jiacheng", "德清嘉诚新能源科技有限公司党支部", 29, zone="linhang"),
            TwoNew("leidian-nongke", "德清雷甸农业科技有限公司党支部", 9),
        ),
    ),
)


@dataclass(frozen=True)
class Zone:
    id: str
    name: str
    location: str
    own: tuple[TwoNew, ...]  # branches whose parent is the zone itself


ZONES: tuple[Zone, ...] = (
    Zone(
        "kaifaqu",
        "德清经济开发区党工委",
        "德清经济开发区管委会党建服务中心",
        (
            TwoNew("kaifaqu-lianhe", "德清经济开发区非公企业联合党支部", 18, joint=True),
            TwoNew("kaifaqu-rencai", "德清经济开发区人才服务中心党支部", 12, social=True),
        ),
    ),
    Zone(
        "linhang",
        "临杭工业区党工委",
        "临杭工业区管委会会议室",
        (TwoNew("linhang-wuliu", "临杭工业区物流企业联合党支部", 15, joint=True),),
    ),
    Zone(
        "kejixincheng",
        "科技新城党工委",
        "地理信息小镇党群服务中心",
        (TwoNew("kejixincheng-yanjiuyuan", "德清地理信息产业研究院党支部", 20),),
    ),
)


@dataclass(frozen=True)
class Unit:
    """A county organs unit (县级机关部门或事业单位) and its branches."""

    id: str
    name: str
    kind: str
    members: int
    location: str
    branches: tuple[tuple[str, str, int], ...]  # (id, name, members)
    options: tuple[tuple[str, Any], ...] = ()


UNITS: tuple[Unit, ...] = (
    Unit(
        "zuzhibu",
        "县委组织部机关党总支",
        "general-branch",
        38,
        "县行政中心1号楼组织部会议室",
        (("zuzhibu-1", "县委组织部机关第一党支部", 21), ("zuzhibu-2", "县委组织部机关第二党支部", 17)),
        (("weekdays", [2, 4]),),
    ),
    Unit(
        "fagaiju",
        "县发改局党组",
        "party-group",
        46,
        "县行政中心2号楼发改局会议室",
        (("fagaiju-1", "县发改局机关第一党支部", 24), ("fagaiju-2", "县发改局机关第二党支部", 22)),
        (("activity_day", "每月15日"),),
    ),
    Unit(
        "jiaoyuju",
        "县教育局党委",
        "committee",
        72,
        "县教育局三楼会议室",
        (
            ("jiaoyuju-1", "县教育局机关第一党支部", 26),
            ("jiaoyuju-2", "县教育局机关第二党支部", 23),
            ("jiaoyuju-jiaoyan", "县教育研究室党支部", 23),
        ),
        (("activity_day", "每月第一个星期五"),),
    ),
    Unit(
        "weijianju",
        "县卫健局党组",
        "party-group",
        63,
        "县卫健局会议室",
        (("weijianju-jiguan", "县卫健局机关党支部", 28), ("weijianju-jikong", "县疾病预防控制中心党支部", 35)),
        (("weekdays", [3]),),
    ),
    Unit(
        "renminyiyuan",
        "县人民医院党委",
        "committee",
        156,
        "县人民医院行政楼学术报告厅",
        (("renminyiyuan-neike", "县人民医院内科党支部", 78), ("renminyiyuan-waike", "县人民医院外科党支部", 78)),
        (("meeting_time", "17:30"), ("meeting_minutes", 60)),
    ),
    Unit(
        "caizhengju",
        "县财政局党组",
        "party-group",
        34,
        "县行政中心2号楼财政局会议室",
        (("caizhengju-jiguan", "县财政局机关党支部", 34),),
        (("weekdays", [2, 4]), ("activity_day", "每月第一个星期五")),
    ),
    Unit(
        "nongyeju",
        "县农业农村局党组",
        "party-group",
        51,
        "县农业农村局会议室",
        (("nongyeju-1", "县农业农村局机关第一党支部", 27), ("nongyeju-2", "县农业农村局机关第二党支部", 24)),
        (("activity_day", "每月15日"),),
    ),
)

# ── People ────────────────────────────────────────────────────────────────────────────────────────────

# Surnames common in Deqing and the Hangjiahu plain, repeated by rough frequency.
SURNAMES = (
    "沈沈沈沈姚姚姚徐徐徐钱钱朱朱朱陆陆陆吴吴吴张张张王王王陈陈陈杨杨周周金金俞俞"
    "费费蔡蔡施施莫莫孙胡潘邱范唐许章严高顾闻褚凌汤邵丁计宋韩倪"
)
MALE = (
    "建国",
    "建明",
    "国强",
    "伟明",
    "志刚",
    "海峰",
    "晓东",
    "立新",
    "卫东",
    "永明",
    "剑锋",
    "春华",
    "文斌",
    "志强",
    "俊杰",
    "浩然",
    "宇航",
    "鹏飞",
    "晨阳",
    "嘉豪",
    "子豪",
    "振华",
    "国平",
    "林峰",
    "德良",
    "新民",
    "一帆",
    "天宇",
    "伟",
    "斌",
    "磊",
    "勇",
    "涛",
    "军",
    "杰",
    "强",
    "锋",
    "超",
    "华",
    "平",
)
FEMALE = (
    "丽娟",
    "红英",
    "海燕",
    "晓霞",
    "秀芳",
    "美玲",
    "雪梅",
    "静怡",
    "佳琪",
    "婷婷",
    "思雨",
    "梦洁",
    "慧敏",
    "月琴",
    "春燕",
    "玉兰",
    "雅琴",
    "晓燕",
    "丹丹",
    "欣怡",
    "诗琪",
    "雨萱",
    "丽萍",
    "建芬",
    "卫萍",
    "红梅",
    "芳",
    "敏",
    "静",
    "燕",
    "萍",
    "婷",
    "琳",
    "洁",
    "颖",
    "蕾",
)
ELDER_MALE = ("阿根", "金荣", "根宝", "福林", "水根", "炳荣", "荣生", "福明", "寿根", "杏林", "金海", "阿毛", "掌林")
ELDER_FEMALE = ("杏英", "菊英", "阿娥", "雪珍", "金妹", "桂英", "凤仙", "月娥", "彩英", "阿囡", "美娥")

ELDERLY = "elderly"
MOBILITY = "mobility-impaired"
COGNITIVE = "cognitive-difficulty"
FLAG_SETS: tuple[tuple[str, ...], ...] = (
    (ELDERLY,),
    (ELDERLY,),
    (ELDERLY,),
    (ELDERLY, MOBILITY),
    (ELDERLY, MOBILITY),
    (ELDERLY, COGNITIVE),
    (MOBILITY,),
)

ACTIVITY_DAYS = ("每月5日", "每月10日", "每月第一个星期五", "每月15日", "每月第二个星期三", "每月20日")
WEEKEND_DAYS = ("每月第一个星期六", "每月第二个星期日")


@dataclass
class Org:
    id: str
    name: str
    kind: str = "branch"
    track: str | None = None
    parent: str | None = None
    supervisor: str | None = None
    links: list[str] = field(default_factory=list)
    members: int | None = None
    households: int | None = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Person:
    id: str
    name: str
    org: str
    roles: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


@dataclass
class Section:
    title: str
    orgs: list[Org] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # a sub-heading comment before the organization id

    def note(self, text: str) -> None:
        """Put a sub-heading comment before the next organization added."""
        self.notes[f"#{len(self.orgs)}"] = text


class County:
    """Builds the sections in order, drawing every random choice from one seeded generator."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.sections: list[Section] = []
        self.used_names: set[str] = set()
        self.twinned: list[str] = []  # villages and communities, in order, for 结对 with organs branches

    # -- people ------------------------------------------------------------------------------------------

    def name(self, *, elderly: bool = False) -> str:
        while True:
            surname = self.rng.choice(SURNAMES)
            female = self.rng.random() < (0.45 if elderly else 0.4)
            if elderly:
                given = self.rng.choice(ELDER_FEMALE if female else ELDER_MALE)
            else:
                given = self.rng.choice(FEMALE if female else MALE)
            full = surname + given
            if full not in self.used_names:
                self.used_names.add(full)
                return full

    def person(
        self,
        section: Section,
        org: str,
        roles: list[str],
        flags: tuple[str, ...] = (),
        links: list[str] | None = None,
    ) -> Person:
        p = Person(
            "",  # numbered in file order by finish()
            self.name(elderly=ELDERLY in flags),
            org,
            roles,
            list(flags),
            list(links or []),
        )
        section.people.append(p)
        return p

    def branch_committee(self, section: Section, org: str, size: int, *, deputy: bool = False) -> None:
        """List a branch's 书记, optionally a 副书记, and委员 up to ``size`` people in all."""
        self.person(section, org, ["secretary"])
        if deputy:
            self.person(section, org, ["deputy-secretary"])
        for _ in range(size - 1 - int(deputy)):
            self.person(section, org, ["committee"])

    def flagged(self, section: Section, org: str, n: int) -> None:
        for _ in range(n):
            self.person(section, org, [], self.rng.choice(FLAG_SETS))

    # -- sections ----------------------------------------------------------------------------------------

    def build(self) -> None:
        root = Section("县委")
        root.orgs.append(Org("deqing", "中共德清县委", "committee"))
        self.sections.append(root)
        # The villages come first so the organs branches can be twinned with them; the sections are then
        # ordered county organs, towns, zones for reading.
        towns = [self.town(t) for t in TOWNS]
        zones = [self.zone(z) for z in ZONES]
        organs = self.organs()
        self.sections += [*organs, *towns, *zones]

    def organs(self) -> list[Section]:
        head = Section("县直属机关党工委")
        head.orgs.append(Org("jiguan-gongwei", "德清县直属机关党工委", "working-committee", parent="deqing", members=4))
        self.person(head, "jiguan-gongwei", ["secretary", "leader"])
        self.person(head, "jiguan-gongwei", ["deputy-secretary", "leader"])
        self.person(head, "jiguan-gongwei", ["committee"])
        out = [head]
        twin = 0
        for unit in UNITS:
            sec = Section(unit.name.removesuffix("机关党总支").removesuffix("党组").removesuffix("党委"))
            options: dict[str, Any] = {"location": unit.location, **dict(unit.options)}
            sec.orgs.append(
                Org(
                    unit.id,
                    unit.name,
                    unit.kind,
                    "organs",
                    parent="jiguan-gongwei",
                    members=unit.members,
                    options=options,
                )
            )
            branch_twins: list[str] = []
            for b_id, b_name, b_members in unit.branches:
                link = self.twinned[(twin * 7) % len(self.twinned)]
                twin += 1
                branch_twins.append(link)
                sec.orgs.append(
                    Org(b_id, b_name, "branch", "organs", parent=unit.id, links=[link], members=b_members, options={})
                )
            # 党委（党组）书记 and 班子成员: each guides the unit's branches and visits a 结对 village.
            branch_ids = [b[0] for b in unit.branches]
            leaders = 3 if unit.kind != "general-branch" else 2
            for i in range(leaders):
                roles = ["secretary", "leader"] if i == 0 else ["committee", "leader"]
                links = [*branch_ids[i % len(branch_ids) :][:1], branch_twins[i % len(branch_twins)]]
                self.person(sec, unit.id, roles, links=links)
            for b_id, _, b_members in unit.branches:
                self.branch_committee(sec, b_id, 3 if b_members < 40 else 4, deputy=b_members >= 40)
            out.append(sec)
        return out

    def town(self, town: Town) -> Section:
        rng = self.rng
        sec = Section(town.name)
        committee = Org(
            town.id,
            town.committee_name,
            "committee",
            "town",
            parent="deqing",
            options={"location": f"{town.name}党群服务中心"},
        )
        jiguan = Org(
            f"{town.id}-jiguan",
            f"{town.name}机关党支部",
            "branch",
            "town",
            parent=town.id,
            members=rng.randrange(48, 96),
            options={"location": f"{town.name}党群服务中心", "activity_day": "每月第一个星期五"},
        )
        sec.note(f"{town.committee_name}及机关党支部（方案二）")
        sec.orgs += [committee, jiguan]

        grassroots: list[str] = []  # the villages and communities, the 联系村（社区） of the leaders
        sec.note(f"{town.name}·村（方案三）")
        for v in town.villages:
            grassroots.append(v.id)
            self.place(sec, town, v, "village")
        if town.communities:
            sec.note(f"{town.name}·社区（方案三）")
        for c in town.communities:
            grassroots.append(c.id)
            self.place(sec, town, c, "community")
        self.twinned += grassroots
        two_new: list[str] = []
        sec.note(f"{town.name}·两新组织（方案四；开发区、临杭工业区、科技新城内的由其党工委督导）")
        for t in town.two_new:
            sec.orgs.append(self.two_new_org(t, parent=town.id, supervisor=t.zone, where=town.name))
            if t.zone is None:
                two_new.append(t.id)

        # The 领导班子: 书记, 镇长 (副书记), 专职副书记, 委员 and a 副镇长 who is not on the committee; each links
        # to one or two villages or communities and some guide a two-new organization too.
        roles = [
            ["secretary", "leader"],
            ["deputy-secretary", "leader"],
            ["deputy-secretary", "leader"],
            ["committee", "leader"],
            ["committee", "leader"],
            ["committee", "leader"],
            ["leader"],
        ]
        links: list[list[str]] = [[] for _ in roles]
        for i, g in enumerate(grassroots):
            links[i % len(roles)].append(g)
        for i, ls in enumerate(links):
            if not ls:  # fewer villages than leaders: share them
                ls.append(grassroots[i % len(grassroots)])
        for i, t_id in enumerate(two_new):
            links[3 + i % 3].append(t_id)
        # Each leader takes part in organization life in the 机关党支部 (所在支部, listed first in links).
        for r, ls in zip(roles, links, strict=True):
            self.person(sec, town.id, r, links=[jiguan.id, *ls])
        committee.links = list(grassroots)
        # The leaders walk every household of their 联系村 within the year (走村不漏户): a town with a big
        # village raises the weekly visiting load above the default.
        if max(o.households or 0 for o in sec.orgs) > 1000:
            committee.options["load_per_week"] = 30
        # The 机关党支部: its committee and the 联村干部 (cadres, one per village).
        self.branch_committee(sec, jiguan.id, 3)
        for g in grassroots[:4]:
            self.person(sec, jiguan.id, ["cadre"], links=[g])
        return sec

    def place(self, sec: Section, town: Town, v: Village, track: str) -> None:
        """A village or community, as one branch or as a 党总支 with its branches."""
        rng = self.rng
        village = track == "village"
        place = "文化礼堂" if village else "党群服务中心"
        options: dict[str, Any] = {"location": f"{v.name}{place}"}
        if v.evening:
            options.update(
                evening=True,
                meeting_time="19:00",
                allow_weekends=True,
                activity_day=rng.choice(WEEKEND_DAYS if village else ACTIVITY_DAYS),
            )
        else:
            options["activity_day"] = rng.choice(ACTIVITY_DAYS)
        if village:
            households = rng.randrange(300, 640) if v.hilly else rng.randrange(420, 1201)
            total = households // rng.randrange(8, 12)
        else:
            households = None
            total = rng.randrange(70, 210)
        if v.branches:
            total = max(total, 40 * v.branches + 10)
        kind = "general-branch" if v.branches else "branch"
        sec.orgs.append(
            Org(
                v.id,
                f"{v.name}党{'总支' if v.branches else '支部'}",
                kind,
                track,
                town.id,
                None,
                [],
                total,
                households,
                options,
            )
        )
        n_flagged = (rng.randrange(2, 5) if v.hilly else rng.randrange(1, 4)) if village else rng.randrange(0, 2)
        self.branch_committee(sec, v.id, rng.choice((3, 4)), deputy=rng.random() < 0.5)
        if not v.branches:
            self.flagged(sec, v.id, n_flagged)
            return
        share = total // v.branches
        for i in range(1, v.branches + 1):
            b_id = f"{v.id}-{i}"
            ordinal = "一二三四五"[i - 1]
            sec.orgs.append(
                Org(b_id, f"{v.name}第{ordinal}党支部", "branch", track, v.id, members=share, options=options)
            )
            self.branch_committee(sec, b_id, 2)
            self.flagged(sec, b_id, max(1, n_flagged - 1))

    def two_new_org(self, t: TwoNew, *, parent: str, supervisor: str | None, where: str) -> Org:
        options: dict[str, Any] = {}
        unit = t.name.removesuffix("联合党支部").removesuffix("党支部")
        options["location"] = f"{where}两新组织党群服务站" if t.joint else f"{unit}党员活动室"
        if not t.social:
            options["meeting_time"] = "16:30" if t.members < 40 else "18:30"
        if t.joint:
            options["allow_weekends"] = True
        return Org(t.id, t.name, "branch", "two-new", parent, supervisor, [], t.members, None, options)

    def two_new_people(self, sec: Section, t: TwoNew) -> None:
        big = t.members >= 40
        self.branch_committee(sec, t.id, 5 if big else self.rng.choice((2, 3)), deputy=big)

    def zone(self, z: Zone) -> Section:
        sec = Section(z.name.removesuffix("党工委"))
        label = z.name.removesuffix("党工委").removeprefix("德清经济")
        sec.orgs.append(
            Org(
                z.id,
                z.name,
                "working-committee",
                None,
                "deqing",
                members=6,
                options={"location": z.location, "devzone": label},
            )
        )
        located = [t for town in TOWNS for t in town.two_new if t.zone == z.id]
        guided = [t.id for t in (*located, *z.own)]
        self.person(sec, z.id, ["secretary", "leader"], links=guided[:2])
        self.person(sec, z.id, ["committee", "leader"], links=guided[2:] or guided[:1])
        for t in z.own:
            sec.orgs.append(self.two_new_org(t, parent=z.id, supervisor=None, where=z.name.removesuffix("党工委")))
        return sec

    def finish(self) -> None:
        """List the two-new branches' committees, section by section, after all organizations exist."""
        by_id = {t.id: t for town in TOWNS for t in town.two_new} | {t.id: t for z in ZONES for t in z.own}
        for sec in self.sections:
            for org in sec.orgs:
                if org.id in by_id:
                    self.two_new_people(sec, by_id[org.id])
        n = 0
        for sec in self.sections:
            order = {org.id: i for i, org in enumerate(sec.orgs)}
            sec.people.sort(key=lambda p: order[p.org])  # stable: by organization, then as listed
            for p in sec.people:  # numbered in file order
                n += 1
                p.id = f"m-{n:04d}"
        # each zone's designated person (专人) for supervising its two-new organizations: the zone's
        # committee member who is not its secretary (read by the lianxue-devzone plugin)
        zone_ids = {z.id for z in ZONES}
        for sec in self.sections:
            for org in sec.orgs:
                if org.id in zone_ids:
                    inspector = next(p for p in sec.people if p.org == org.id and "secretary" not in p.roles)
                    org.options["zone_inspector"] = inspector.id


# ── Writing ───────────────────────────────────────────────────────────────────────────────────────────


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(type(value).__name__)


def render_org(org: Org) -> list[str]:
    lines = [
        "[[org]]",
        f"id = {toml_value(org.id)}",
        f"name = {toml_value(org.name)}",
        f"kind = {toml_value(org.kind)}",
    ]
    for key in ("track", "parent", "supervisor"):
        value = getattr(org, key)
        if value is not None:
            lines.append(f"{key} = {toml_value(value)}")
    if org.links:
        lines.append(f"links = {toml_value(org.links)}")
    for key in ("members", "households"):
        value = getattr(org, key)
        if value is not None:
            lines.append(f"{key} = {value}")
    if org.options:
        lines.append(f"options = {toml_value(org.options)}")
    return [*lines, ""]


def render_person(p: Person) -> list[str]:
    lines = ["[[member]]", f"id = {toml_value(p.id)}", f"name = {toml_value(p.name)}", f"org = {toml_value(p.org)}"]
    if p.roles:
        lines.append(f"roles = {toml_value(p.roles)}")
    if p.flags:
        lines.append(f"flags = {toml_value(p.flags)}")
    if p.links:
        lines.append(f"links = {toml_value(p.links)}")
    return [*lines, ""]


HEADER = """\
# 示例县：德清县（浙江省湖州市）—— lianxue 的默认输入。
#
# 依据：德组通〔2016〕18号《关于印发〈关于在县机关部门、事业单位党员中开展“两学一做”学习教育的指导方案〉等
# 4个指导方案的通知》。四个方案对应四个 track：organs（县机关部门、事业单位）、town（镇（街道）机关）、
# village / community（农村、社区）、two-new（两新组织）。
#
# 镇（街道）、村、社区的名称取自德清县；党组织设置、党员人数、户数、企业和社会组织名称均为示例，
# 所有人员姓名均为虚构，不含身份证号、电话等个人信息。
# 街道党工委与镇党委同按 town 方案（方案二“镇（街道）党（工）委”）处理，kind 记为 committee。
#
# 本文件由 tools/make_example.py 生成（固定随机种子），请勿手工修改：
#     python tools/make_example.py
"""


def render(county: County) -> str:
    lines = [HEADER.rstrip("\n"), "", "[defaults]"]
    lines += ['timezone = "Asia/Shanghai"', 'meeting_time = "14:30"', "meeting_minutes = 90", ""]
    for sec in county.sections:
        lines += [f"# ── {sec.title} " + "─" * max(4, 60 - 2 * len(sec.title)), ""]
        for i, org in enumerate(sec.orgs):
            if f"#{i}" in sec.notes:
                lines += [f"# {sec.notes[f'#{i}']}", ""]
            lines += render_org(org)
            for p in sec.people:
                if p.org == org.id:
                    lines += render_person(p)
    return "\n".join(lines).rstrip("\n") + "\n"


def generate() -> str:
    county = County()
    county.build()
    county.finish()
    return render(county)


def main(argv: list[str]) -> int:
    if len(argv) > 2 or (len(argv) == 2 and argv[1] in ("-h", "--help")):
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: python tools/make_example.py [OUTPUT]", file=sys.stderr)
        return 2
    out = Path(argv[1]) if len(argv) == 2 else DEFAULT_OUTPUT
    out.write_text(generate(), encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
