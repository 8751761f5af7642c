"""Stage 4: one documented context object per page type, built from the public model only.

Each page is (output path, template, context). Contexts are frozen dataclasses: templates read
them but cannot change what another page sees. docs/templates.md documents every field, and a
test checks that the documentation and these classes agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlparse

from .config import Config
from .model import Amount
from .public import PublicDepartment, PublicProject, PublicSite


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


@dataclass(frozen=True)
class YearSummary:
    year: int
    departments: tuple[PublicDepartment, ...]
    project_count: int
    total: Amount


@dataclass(frozen=True)
class HomePage:
    """首页: every year with its departments and totals."""

    title: str
    years: tuple[YearSummary, ...]
    crumbs: tuple[Crumb, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class YearPage:
    """年度页: the departments of one year."""

    title: str
    summary: YearSummary
    crumbs: tuple[Crumb, ...]
    description: str = ""


@dataclass(frozen=True)
class ProjectRow:
    project: PublicProject
    share: str  # of the department's total, e.g. "28.6%"


@dataclass(frozen=True)
class UnitSection:
    name: str
    anchor: str
    total: Amount | None
    rows: tuple[ProjectRow, ...]


@dataclass(frozen=True)
class DepartmentPage:
    """部门页: overall goals and tasks, indicator table, units and their projects."""

    title: str
    department: PublicDepartment
    units: tuple[UnitSection, ...]
    crumbs: tuple[Crumb, ...]
    description: str = ""


@dataclass(frozen=True)
class ProjectPage:
    """项目页: every published field of one project."""

    title: str
    project: PublicProject
    department: PublicDepartment
    crumbs: tuple[Crumb, ...]
    description: str = ""


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
    extra: dict = field(default_factory=dict)


def site_info(config: Config, public: PublicSite) -> SiteInfo:
    prefix = urlparse(config.base_url).path or "/"
    return SiteInfo(
        name=config.site_name, description=config.site_description, base_url=config.base_url, prefix=prefix,
        years=public.years, publisher=config.publisher, publication_date=config.publication_date,
        search=config.search, disclosure_wording=config.disclosure.secret_wording,
    )


def _sum(amounts: list[Amount], unit: str) -> Amount:
    return Amount(sum((a.yuan for a in amounts), Decimal(0)), unit)


def year_summary(public: PublicSite, year: int) -> YearSummary:
    departments = tuple(sorted((d for d in public.departments if d.year == year), key=lambda d: d.slug))
    unit = "万元" if any(d.unit == "万元" for d in departments) else "元"
    return YearSummary(year, departments, sum(len(d.projects) for d in departments), _sum([d.total for d in departments], unit))


def _home_crumb(site: SiteInfo) -> Crumb:
    return Crumb("首页", site.prefix)


def department_page(site: SiteInfo, dept: PublicDepartment) -> DepartmentPage:
    total = dept.total.yuan
    units = tuple(
        UnitSection(u.name, f"单位-{u.slug}", u.total,
                    tuple(ProjectRow(p, _share(p, total)) for p in u.projects))
        for u in dept.units
    )
    crumbs = (_home_crumb(site), Crumb(f"{dept.year}年", f"{site.prefix}{dept.year}/"), Crumb(dept.display_name, None))
    description = f"{dept.name}{dept.year}年预算项目支出绩效目标，共{len(dept.projects)}个项目。"
    return DepartmentPage(f"{dept.name} {dept.year}年预算绩效目标", dept, units, crumbs, description)


def _share(project: PublicProject, total: Decimal) -> str:
    if project.money.total is None or not total:
        return "—"
    return f"{project.money.total.yuan * 100 / total:.1f}%"


def project_page(site: SiteInfo, dept: PublicDepartment, project: PublicProject) -> ProjectPage:
    crumbs = (_home_crumb(site), Crumb(f"{dept.year}年", f"{site.prefix}{dept.year}/"),
              Crumb(dept.display_name, f"{site.prefix}{dept.year}/{dept.slug}/"), Crumb(project.name, None))
    from .formatting import amount
    description = f"{dept.display_name}{project.year}年项目“{project.name}”，预算 {amount(project.money.total)}。"
    return ProjectPage(f"{project.name} · {dept.display_name} {project.year}年", project, dept, crumbs, description)


def build_pages(config: Config, public: PublicSite) -> tuple[SiteInfo, list[Page]]:
    """Every page of the site, in a stable order."""
    site = site_info(config, public)
    summaries = tuple(year_summary(public, y) for y in public.years)
    pages = [Page("index.html", "home.html", HomePage(config.site_name, summaries, description=config.site_description), "")]
    for summary in summaries:
        crumbs = (_home_crumb(site), Crumb(f"{summary.year}年", None))
        pages.append(Page(f"{summary.year}/index.html", "year.html",
                          YearPage(f"{summary.year}年预算绩效目标", summary, crumbs, f"{summary.year}年各部门预算项目支出绩效目标。"),
                          f"{summary.year}/"))
        for dept in summary.departments:
            pages.append(Page(f"{dept.year}/{dept.slug}/index.html", "department.html", department_page(site, dept), dept.path))
            for project in dept.projects:
                pages.append(Page(f"{dept.year}/{dept.slug}/{project.slug}/index.html", "project.html",
                                  project_page(site, dept, project), project.path))
    pages.append(Page("search/index.html", "search.html", SimplePage("搜索", (_home_crumb(site), Crumb("搜索", None))), "search/"))
    pages.append(Page("404.html", "404.html", SimplePage("页面不存在"), "404.html"))
    return site, pages
