"""Stage 4: one documented context object per page type, built from the public model only.

Each page is (output path, template, context). Contexts are frozen dataclasses: templates read
them but cannot change what another page sees. docs/templates.md documents every field, and a
test checks that the documentation and these classes agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlparse

from gongkai.publish.charts import Chart, ChartRow, horizontal_bars, vertical_bars
from gongkai.publish.exports import project_files
from gongkai.publish.forms import PeriodTable, StatedBudget, period_table, stated_budget
from gongkai.publish.redirects import Manifest, fallback_date, published_on
from gongkai.source.config import Config
from gongkai.formatting import AmountStyle, amount, amount_style, percent, share, signed_percent, styled
from gongkai.values import UNIT_FACTORS, Amount
from gongkai.public import PublicDepartment, PublicIndicator, PublicProject, PublicSite


@dataclass(frozen=True)
class Crumb:
    title: str
    url: str | None


@dataclass(frozen=True)
class SiteInfo:
    """Shared by every page: the site's name, address and navigation."""

    name: str
    description: str
    base_url: str
    prefix: str  # path of base_url, e.g. "/" or "/yusuan/"
    years: tuple[int, ...]
    publisher: str
    publication_date: str
    search: bool
    disclosure_wording: str
    quality_badge: bool = False  # site_config.yml quality_badge: show the quantified-indicator share
    contact: str = ""  # footer lines from site_config.yml; each shown only when set
    icp: str = ""
    site_code: str = ""


@dataclass(frozen=True)
class Download:
    """One open-data file offered on a page."""

    label: str  # e.g. 项目表
    format: str  # CSV / JSON / XLSX / Data Package
    url: str  # absolute path on the site, e.g. /data/projects.csv


@dataclass(frozen=True)
class Citation:
    """The 引用本页 block: what a journalist needs to cite the page."""

    title: str
    department: str
    year: int | None
    url: str  # canonical address
    publication_date: str
    source: str | None


@dataclass(frozen=True)
class YearSummary:
    year: int
    departments: tuple[PublicDepartment, ...]
    project_count: int
    total: Amount
    style: AmountStyle  # the year's totals in one unit with fixed decimals


@dataclass(frozen=True)
class Published:
    """A page of the last publication, as the feed lists it."""

    title: str
    url: str  # absolute path on the site
    kind: str  # 部门 / 项目
    date: str  # YYYY-MM-DD


@dataclass(frozen=True)
class HomePage:
    """首页: the latest year at a glance, what was last published, then every year."""

    title: str
    years: tuple[YearSummary, ...]
    crumbs: tuple[Crumb, ...] = ()
    description: str = ""
    downloads: tuple[Download, ...] = ()
    style: AmountStyle | None = None  # how the page shows amounts: one unit, fixed decimals
    latest: YearSummary | None = None  # the newest year, shown first
    chart: Chart | None = None  # the newest year's departments by total
    published: tuple[Published, ...] = ()  # the pages of the last publication (from the feed's dates)
    published_more: int = 0  # how many more the last publication had than are listed


@dataclass(frozen=True)
class YearPage:
    """年度页: the departments of one year."""

    title: str
    summary: YearSummary
    crumbs: tuple[Crumb, ...]
    description: str = ""
    downloads: tuple[Download, ...] = ()
    style: AmountStyle | None = None  # how the page shows amounts: one unit, fixed decimals


@dataclass(frozen=True)
class ProjectRow:
    project: PublicProject
    share: str  # of the sum of the listed projects, e.g. "28.6%"


@dataclass(frozen=True)
class UnitSection:
    name: str
    anchor: str
    total: Amount | None
    rows: tuple[ProjectRow, ...]


@dataclass(frozen=True)
class YearTotal:
    """One department's total in one year, for the totals over the years."""

    year: int
    total: Amount
    project_count: int
    path: str  # the department page of that year, below the site root
    change: str  # against the year before it, e.g. "+12.0%"; "" for the first year


@dataclass(frozen=True)
class DepartmentPage:
    """部门页: overall goals and tasks, indicator table, units and their projects."""

    title: str
    department: PublicDepartment
    units: tuple[UnitSection, ...]
    crumbs: tuple[Crumb, ...]
    description: str = ""
    history: tuple[YearTotal, ...] = ()  # every year the department has pages for, oldest first
    charts: tuple[Chart, ...] = ()
    downloads: tuple[Download, ...] = ()
    citation: Citation | None = None
    style: AmountStyle | None = None  # how the page shows amounts: one unit, fixed decimals
    budget: StatedBudget | None = None


@dataclass(frozen=True)
class IndicatorChange:
    """One indicator row set beside the same row of last year."""

    period_label: str
    level1: str
    level3: str
    current: str | None  # this year's 指标值; None when the row is new
    previous: str | None  # last year's; None when the row was not there
    change: str  # 新增 / 取消 / 不变 / 有变化 / a signed difference such as +5%
    anchor: str | None  # this year's row anchor


@dataclass(frozen=True)
class YearComparison:
    """A continuing project (持续性项目) beside its record of the year before."""

    previous: PublicProject
    previous_department: PublicDepartment
    amount_change: str  # e.g. "+10,000.00 元（+25.0%）" or "不变"
    indicators: tuple[IndicatorChange, ...]


@dataclass(frozen=True)
class ProjectPage:
    """项目页: every published field of one project."""

    title: str
    project: PublicProject
    department: PublicDepartment
    crumbs: tuple[Crumb, ...]
    description: str = ""
    comparison: YearComparison | None = None
    charts: tuple[Chart, ...] = ()
    downloads: tuple[Download, ...] = ()
    citation: Citation | None = None
    style: AmountStyle | None = None  # how the page shows amounts: one unit, fixed decimals
    periods: PeriodTable | None = None  # set when the form has two periods with indicators


@dataclass(frozen=True)
class SimplePage:
    """搜索页、404 页: pages with no data of their own."""

    title: str
    crumbs: tuple[Crumb, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Page:
    path: str  # output path relative to the site root, e.g. 2025/yutian-zfw/index.html
    template: str
    context: object
    url: str = ""  # below the site root: "" for home, "2025/" for a year, "404.html"


def site_info(config: Config, public: PublicSite, years: tuple[int, ...] | None = None) -> SiteInfo:
    """`years`: those of the whole site when this is one shard of it (else the public model's)."""
    prefix = urlparse(config.base_url).path or "/"
    return SiteInfo(
        name=config.site_name, description=config.site_description, base_url=config.base_url, prefix=prefix,
        years=public.years if years is None else years, publisher=config.publisher, publication_date=config.publication_date,
        search=config.search, disclosure_wording=config.disclosure.secret_wording, quality_badge=config.quality_badge,
        contact=config.contact, icp=config.icp, site_code=config.site_code,
    )


def _sum(amounts: list[Amount], unit: str) -> Amount:
    return Amount(sum((a.yuan for a in amounts), Decimal(0)), unit)


def year_summary(public: PublicSite, year: int) -> YearSummary:
    departments = tuple(sorted((d for d in public.departments if d.year == year), key=lambda d: d.slug))
    unit = "万元" if any(d.unit == "万元" for d in departments) else "元"
    total = _sum([d.total for d in departments], unit)
    style = amount_style([total, *(a for d in departments for a in department_amounts(d))], unit)
    return YearSummary(year, departments, sum(len(d.projects) for d in departments), total, style)


def department_amounts(dept: PublicDepartment) -> list[Amount | None]:
    """Every amount a department's pages show: its totals, tasks and projects' funds."""
    out: list[Amount | None] = [dept.total, dept.withheld_total, *(t.amount for t in dept.tasks), *(u.total for u in dept.units)]
    for project in dept.projects:
        for money in (project.money, project.period_money):
            if money is not None:
                out += [money.total, money.fiscal, money.special, money.other]
    return out


# Every project page and search record asks for its department's style: worked out once per
# department object (the entry holds the object, so its id cannot be reused while it is kept).
_STYLES: dict[int, tuple[PublicDepartment, AmountStyle]] = {}
_STYLES_KEPT = 4096


def department_style(dept: PublicDepartment) -> AmountStyle:
    """One style for a department's page and its projects' pages (and their search results)."""
    known = _STYLES.get(id(dept))
    if known is not None and known[0] is dept:
        return known[1]
    if len(_STYLES) >= _STYLES_KEPT:
        _STYLES.clear()
    style = amount_style(department_amounts(dept), dept.unit)
    _STYLES[id(dept)] = (dept, style)
    return style


def _home_crumb(site: SiteInfo) -> Crumb:
    return Crumb("首页", site.prefix)


# ---- downloads -------------------------------------------------------------------------------

def home_downloads(site: SiteInfo) -> tuple[Download, ...]:
    data = f"{site.prefix}data/"
    return (Download("项目表", "CSV", f"{data}projects.csv"), Download("指标表", "CSV", f"{data}indicators.csv"),
            Download("部门表", "CSV", f"{data}departments.csv"), Download("全部数据", "XLSX", f"{data}site.xlsx"),
            Download("全部数据", "JSON", f"{data}site.json"), Download("数据包说明", "Data Package", f"{data}datapackage.json"))


def year_downloads(site: SiteInfo, year: int) -> tuple[Download, ...]:
    data = f"{site.prefix}data/{year}/"
    return (Download(f"{year}年项目表", "CSV", f"{data}projects.csv"), Download(f"{year}年指标表", "CSV", f"{data}indicators.csv"),
            Download(f"{year}年数据", "XLSX", f"{data}year.xlsx"), Download(f"{year}年数据", "JSON", f"{data}year.json"))


def department_downloads(site: SiteInfo, dept: PublicDepartment) -> tuple[Download, ...]:
    base = site.prefix + dept.path
    own: tuple[Download, ...] = (Download("年度主要任务", "CSV", f"{base}tasks.csv"),) if dept.tasks else ()
    own += (Download("部门整体绩效指标", "CSV", f"{base}department-indicators.csv"),) if dept.indicators else ()
    return (Download("项目表", "CSV", f"{base}projects.csv"), Download("指标表", "CSV", f"{base}indicators.csv"), *own,
            Download("部门数据", "XLSX", f"{base}department.xlsx"), Download("部门数据", "JSON", f"{base}department.json"))


def project_downloads(site: SiteInfo, project: PublicProject) -> tuple[Download, ...]:
    files = {kind: site.prefix + path for kind, path in project_files(project).items()}
    return (Download("项目", "CSV", files["csv"]), Download("指标表", "CSV", files["indicators"]),
            Download("项目数据", "XLSX", files["xlsx"]), Download("项目数据", "JSON", files["json"]))


# ---- across years ----------------------------------------------------------------------------

def same_department(a: PublicDepartment, b: PublicDepartment) -> bool:
    """The same department in another year: same 部门编码 where both have one, else the same URL name."""
    if a.code and b.code:
        return a.code == b.code
    return a.slug == b.slug


def department_history(public: PublicSite, dept: PublicDepartment) -> tuple[YearTotal, ...]:
    """The department's totals in every year the site has it, oldest first (only when more than one)."""
    years = sorted((d for d in public.departments if same_department(d, dept)), key=lambda d: d.year)
    if len(years) < 2:
        return ()
    out: list[YearTotal] = []
    for i, d in enumerate(years):
        change = signed_percent(d.total.yuan, years[i - 1].total.yuan) if i else ""
        out.append(YearTotal(d.year, d.total, len(d.projects), d.path, change))
    return tuple(out)


def previous_project(public: PublicSite, dept: PublicDepartment, project: PublicProject) -> tuple[PublicProject, PublicDepartment] | None:
    """Last year's record of a continuing project, as the classifier linked it (its 上年项目, else the
    same 项目编码, compared by the canonical key). The link exists only when both records are public:
    a comparison could otherwise show what a secret record held, or that a public one continues it.
    """
    found = public.predecessor(project)
    if project.secret or found is None or found[0].secret or found[1].year != dept.year - 1:
        return None
    return found


def _amount_change(now: Amount | None, before: Amount | None, style: AmountStyle) -> str:
    if now is None or before is None:
        return "—"
    diff = now.yuan - before.yuan
    if not diff:
        return "不变"
    sign = "+" if diff > 0 else "-"
    shown = f"{sign}{styled(Amount(abs(diff), style.unit), style)}"
    return f"{shown}（{signed_percent(now.yuan, before.yuan)}）" if before.yuan else shown


def _indicator_key(period: str, row: PublicIndicator) -> tuple[str, str]:
    return period, "".join(row.level3.split())


def _value_change(now: PublicIndicator, before: PublicIndicator) -> str:
    if "".join(now.value.split()) == "".join(before.value.split()):
        return "不变"
    if now.number is not None and before.number is not None and now.number_unit == before.number_unit:
        diff = now.number - before.number
        return f"{diff.normalize():+f}{now.number_unit or ''}" if diff else "有变化"
    return "有变化"


def indicator_changes(current: PublicProject, before: PublicProject) -> tuple[IndicatorChange, ...]:
    """Rows matched by period and 三级指标 name; withheld rows are never compared."""
    now_rows = [(g.period_label, r) for g in current.goals if not g.withheld for r in g.indicators if not r.withheld]
    old_rows = {_indicator_key(g.period_label, r): r for g in before.goals if not g.withheld for r in g.indicators if not r.withheld}
    seen: set[tuple[str, str]] = set()
    out: list[IndicatorChange] = []
    for period, row in now_rows:
        key = _indicator_key(period, row)
        seen.add(key)
        old = old_rows.get(key)
        out.append(IndicatorChange(period, row.level1, row.level3, row.value, old.value if old else None,
                                   _value_change(row, old) if old else "新增", row.anchor))
    for key, old in old_rows.items():
        if key not in seen:
            out.append(IndicatorChange(key[0], old.level1, old.level3, None, old.value, "取消", None))
    return tuple(out)


def year_comparison(public: PublicSite, dept: PublicDepartment, project: PublicProject) -> YearComparison | None:
    found = previous_project(public, dept, project)
    if found is None:
        return None
    before, before_dept = found
    return YearComparison(before, before_dept, _amount_change(project.money.total, before.money.total, department_style(dept)),
                          indicator_changes(project, before))


# ---- charts ----------------------------------------------------------------------------------

def budget_chart(dept: PublicDepartment) -> Chart | None:
    """The department's budget by project, largest first (as the public model orders them)."""
    if not dept.projects:
        return None
    factor, style = UNIT_FACTORS[dept.unit], department_style(dept)
    rows = tuple(ChartRow(p.name, p.money.total.yuan / factor if p.money.total else None, styled(p.money.total, style))
                 for p in dept.projects)
    title = f"{dept.display_name}{dept.year}年各项目预算"
    described = "；".join(f"{r.label} {r.shown}" for r in rows)
    return horizontal_bars("chart-budget", title, f"{title}（条形图）：{described}。", "项目", f"预算金额（{dept.unit}）", rows)


def history_chart(dept: PublicDepartment, history: tuple[YearTotal, ...]) -> Chart | None:
    if not history:
        return None
    factor, style = UNIT_FACTORS[dept.unit], department_style(dept)
    rows = tuple(ChartRow(f"{h.year}年", h.total.yuan / factor, styled(h.total, style)) for h in history)
    title = f"{dept.display_name}历年所列项目金额合计"
    described = "；".join(f"{r.label} {r.shown}" for r in rows)
    return vertical_bars("chart-years", title, f"{title}（柱状图）：{described}。", "年度", f"所列项目金额合计（{dept.unit}）", rows)


def plan_chart(project: PublicProject) -> Chart | None:
    if not project.plan:
        return None
    rows = tuple(ChartRow(p.label, p.percent, percent(p.percent)) for p in project.plan)
    title = f"{project.name}资金支出计划"
    described = "；".join(f"截至{r.label}累计支出{r.shown}" for r in rows)
    return vertical_bars("chart-plan", title, f"{title}（柱状图，截至各月底累计支出比例）：{described}。", "月份",
                         "累计支出比例", rows, maximum=Decimal(100))


def departments_chart(summary: YearSummary, style: AmountStyle) -> Chart | None:
    """A year's departments by their totals, largest first."""
    if not summary.departments:
        return None
    factor = UNIT_FACTORS[style.unit]
    ordered = sorted(summary.departments, key=lambda d: (-d.total.yuan, d.slug))
    rows = tuple(ChartRow(d.display_name, d.total.yuan / factor, styled(d.total, style)) for d in ordered)
    title = f"{summary.year}年各部门所列项目金额"
    described = "；".join(f"{r.label} {r.shown}" for r in rows)
    return horizontal_bars("chart-departments", title, f"{title}（条形图）：{described}。", "部门", f"所列项目金额合计（{style.unit}）", rows)


PUBLISHED_LIMIT = 10  # pages of the last publication listed on the home page


def last_publication(manifest: Manifest | None, pages: list[Page], site: SiteInfo) -> tuple[tuple[Published, ...], int]:
    """The department and project pages first published on the newest date the feed has, and
    how many more there were than are listed."""
    if manifest is None:
        return (), 0
    fallback = fallback_date(site.years)
    titles = {p.url: (p.context.title, "部门" if isinstance(p.context, DepartmentPage) else "项目") for p in pages
              if isinstance(p.context, (DepartmentPage, ProjectPage))}
    dated = [(published_on(e, fallback), e.url) for e in manifest.entries if e.url in titles]
    if not dated:
        return (), 0
    newest = max(date for date, _ in dated)
    urls = sorted((url for date, url in dated if date == newest), key=lambda u: (titles[u][1] != "部门", u))
    listed = tuple(Published(titles[u][0], site.prefix + u, titles[u][1], newest) for u in urls[:PUBLISHED_LIMIT])
    return listed, len(urls) - len(listed)


def home_page(config: Config, site: SiteInfo, summaries: tuple[YearSummary, ...], pages: list[Page],
              manifest: Manifest | None) -> HomePage:
    latest = summaries[0] if summaries else None
    style = latest.style if latest else None
    chart = departments_chart(latest, style) if latest and style else None
    published, more = last_publication(manifest, pages, site)
    return HomePage(config.site_name, summaries, description=config.site_description, downloads=home_downloads(site),
                    style=style, latest=latest, chart=chart, published=published, published_more=more)


# ---- pages -----------------------------------------------------------------------------------

def department_page(site: SiteInfo, dept: PublicDepartment, public: PublicSite | None = None) -> DepartmentPage:
    total = dept.total.yuan
    units = tuple(
        UnitSection(u.name, f"单位-{u.slug}", u.total,
                    tuple(ProjectRow(p, share(p.money.total.yuan, total) if p.money.total else "—") for p in u.projects))
        for u in dept.units
    )
    crumbs = (_home_crumb(site), Crumb(f"{dept.year}年", f"{site.prefix}{dept.year}/"), Crumb(dept.display_name, None))
    description = f"{dept.name}{dept.year}年预算项目支出绩效目标，共{len(dept.projects)}个项目，所列项目金额合计{amount(dept.total)}。"
    history = department_history(public, dept) if public else ()
    charts = tuple(c for c in (budget_chart(dept), history_chart(dept, history)) if c)
    title = f"{dept.name} {dept.year}年预算绩效目标"
    citation = Citation(title, dept.name, dept.year, site.base_url + dept.path, site.publication_date, dept.source)
    return DepartmentPage(title, dept, units, crumbs, description, history, charts, department_downloads(site, dept), citation,
                          department_style(dept), stated_budget(dept))


def project_page(site: SiteInfo, dept: PublicDepartment, project: PublicProject, public: PublicSite | None = None) -> ProjectPage:
    crumbs = (_home_crumb(site), Crumb(f"{dept.year}年", f"{site.prefix}{dept.year}/"),
              Crumb(dept.display_name, f"{site.prefix}{dept.year}/{dept.slug}/"), Crumb(project.name, None))
    description = f"{dept.display_name}{project.year}年项目“{project.name}”，预算 {amount(project.money.total)}。"
    comparison = year_comparison(public, dept, project) if public else None
    charts = tuple(c for c in (plan_chart(project),) if c)
    title = f"{project.name} · {dept.display_name} {project.year}年"
    citation = Citation(project.name, dept.name, project.year, site.base_url + project.path, site.publication_date,
                        project.source or dept.source)
    return ProjectPage(title, project, dept, crumbs, description, comparison, charts, project_downloads(site, project), citation,
                       department_style(dept), period_table(project))


def build_pages(config: Config, public: PublicSite, manifest: Manifest | None = None,
                years: tuple[int, ...] | None = None) -> tuple[SiteInfo, list[Page]]:
    """Every page of the site, in a stable order, from the public model alone. `manifest` (this
    build's, see redirects.plan) dates the pages for the home page's list of what was last
    published; `years`: see site_info."""
    site = site_info(config, public, years)
    summaries = tuple(year_summary(public, y) for y in public.years)
    pages: list[Page] = []
    for summary in summaries:
        crumbs = (_home_crumb(site), Crumb(f"{summary.year}年", None))
        description = f"{summary.year}年各部门预算项目支出绩效目标：{len(summary.departments)}个部门，{summary.project_count}个项目，合计{amount(summary.total)}。"
        pages.append(Page(f"{summary.year}/index.html", "year.html",
                          YearPage(f"{summary.year}年预算绩效目标", summary, crumbs, description, year_downloads(site, summary.year),
                                   summary.style),
                          f"{summary.year}/"))
        for dept in summary.departments:
            pages.append(Page(f"{dept.year}/{dept.slug}/index.html", "department.html", department_page(site, dept, public), dept.path))
            for project in dept.projects:
                pages.append(Page(f"{dept.year}/{dept.slug}/{project.slug}/index.html", "project.html",
                                  project_page(site, dept, project, public), project.path))
    pages.append(Page("search/index.html", "search.html", SimplePage("搜索", (_home_crumb(site), Crumb("搜索", None))), "search/"))
    pages.append(Page("404.html", "404.html", SimplePage("页面不存在"), "404.html"))
    pages.insert(0, Page("index.html", "home.html", home_page(config, site, summaries, pages, manifest), ""))
    return site, pages
