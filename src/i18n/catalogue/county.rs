//! Messages: the county and its statistics files (key, 简体中文, English; docs/COUNTY.md).

/// This part of the catalogue.
pub static ENTRIES: &[super::Entry] = &[
    // a county's rows are its townships (gridlog villages, 首页: src/cli/township.rs, src/tui/inbox.rs)
    ("county.townships.none", "尚未收到任何乡镇的统计文件", "No township has sent a statistics file yet"),
    ("county.col.township", "乡镇", "township"),
    ("county.col.villages", "村数", "villages"),
    ("county.col.as_of", "数据截至", "as of"),
    ("county.col.last", "最近统计文件", "last file"),
    ("county.never", "从未收到", "never"),
    ("county.home.townships", "各乡镇 {0} 个 · 超过一个月未报送 {1} 个", "Townships: {0} · silent over a month: {1}"),
    ("county.home.about", "县级台账", "The county store"),
    (
        "county.no_inbox",
        "县级台账没有上报件：上报由各乡镇处理，县里只收各乡镇的统计数字（gridlog villages、gridlog report）。",
        "A county store has no inbox: escalations are handled by the townships; the county receives their figures (gridlog villages, gridlog report).",
    ),
    ("county.sync.title", "报来统计文件的乡镇", "Townships that sent statistics files"),
    ("county.sync.township", "{0}：{3} 个村，数据截至 {4}，文件写于 {2}", "{0}: {3} villages, as of {4}, file of {2}"),
    (
        "county.overview_hint",
        "用 gridlog import 导入乡镇的统计文件，gridlog report --period 2026-11 查看各村考核；gridlog --help 查看全部命令。",
        "Import the townships' statistics files with gridlog import, see each village's figures with gridlog report --period 2026-11; gridlog --help lists every command.",
    ),
    (
        "county.ledgers_none",
        "县级台账不保存记录：记录留在各村和乡镇的台账里。各村的考核数字见 7 报表。",
        "A county store holds no records: they stay in the villages' and townships' stores. Each village's figures are in 7 Reports.",
    ),
    (
        "county.home.hint",
        "县级台账只保存各乡镇报来的统计数字，不含任何居民信息。\n\n6 同步：导入乡镇的统计文件（gridlog export --stats-only 生成）。\n7 报表：各村的考核数字，按月、季、年，可导出 XLSX/CSV。",
        "A county store holds only the figures its townships send, never a resident's data.\n\n6 Sync: import the townships' statistics files (made with gridlog export --stats-only).\n7 Reports: each village's assessment figures by month, quarter or year, exported as XLSX/CSV.",
    ),
    // a county store holds figures only (src/app/report/from_stats.rs)
    (
        "app.county_figures_only",
        "县级台账只保存各乡镇报来的统计数字，不能录入或修改记录，也不导出数据包。",
        "A county store holds only the figures its townships send: it cannot add or change records, nor export bundles.",
    ),
    (
        "report.county_no_grid",
        "县级台账没有网格数据：请按村或按类别出表。",
        "A county store has no grids: report by village or by category.",
    ),
    (
        "report.county_none",
        "{0} 还没有收到任何乡镇的统计文件：用 gridlog import FILE 导入。",
        "No township has sent figures for {0} yet: import their statistics files with gridlog import FILE.",
    ),
    ("report.county_source", "数据来源：{0}（{1}），截至 {2}", "Figures from {0} ({1}), as of {2}"),
    // importing a statistics file (src/app/sync/stats_import.rs)
    (
        "sync.county_figures_only",
        "这是数据包（含记录），县级台账只接收乡镇的统计文件（gridlog export --stats-only）。",
        "This is a bundle of records; a county store takes only its townships' statistics files (gridlog export --stats-only).",
    ),
    (
        "sync.stats_not_here",
        "这是统计文件（只有数字），要导入县级台账；村、乡镇台账不接收。",
        "This is a statistics file (figures only): import it into a county store; village and township stores do not take it.",
    ),
    (
        "sync.stats_use_cli",
        "这是统计文件：请在命令行用 gridlog import FILE 导入。",
        "This is a statistics file: import it on the command line with gridlog import FILE.",
    ),
    (
        "sync.stats_not_township",
        "统计文件来自 {0}（{1}，{2}），不是本县下属乡镇。",
        "The statistics file comes from {0} ({1}, {2}), which is not a township under this county.",
    ),
    (
        "sync.stats_outside",
        "统计文件含有 {0}（{1}）的数字，该地不属于发文件的乡镇。",
        "The statistics file has figures of {0} ({1}), which is not under the township that wrote it.",
    ),
    ("sync.stats_invalid", "统计文件中 {0} {1} 的数字不成立：{2}", "The figures of {0} for {1} cannot be right: {2}"),
    ("sync.stats_part_above", "{0}（{1}）大于{2}（{3}）", "{0} ({1}) is above {2} ({3})"),
    ("sync.stats_bad_category", "未知的类别代码 {0}/{1}", "unknown category code {0}/{1}"),
    (
        "sync.stats_township_only",
        "只有乡镇台账导出统计文件（本台账是 {0}）；村里的数字随数据包报到乡镇。",
        "Only a township store writes statistics files (this one is {0}); a village's figures go up in its bundles.",
    ),
    // gridlog export --stats-only and its import (src/cli/sync.rs)
    (
        "cli.stats_done",
        "已导出统计文件：{0} 个地方、{1} 个期间、{2} 行（{3}）到 {4}",
        "Statistics written: {0} places, {1} periods, {2} rows ({3}) to {4}",
    ),
    ("cli.stats_as_of", "数字截至 {0}（逾期按这一天算）", "Figures as of {0} (overdue on that day)"),
    ("cli.stats_from", "来自 {0}（{1}），截至 {2}，密钥 {3}", "From {0} ({1}), as of {2}, key {3}"),
    (
        "cli.stats_applied",
        "{0} 个地方、{1} 项（地方×期间）：新增 {2}，更新 {3}，已有更新的数字而未用 {4}",
        "{0} places, {1} entries (place × period): {2} added, {3} replaced, {4} kept (newer figures held)",
    ),
    (
        "cli.stats_would",
        "（演练）{0} 个地方、{1} 项：将新增 {2}，更新 {3}，不用 {4}",
        "(dry run) {0} places, {1} entries: would add {2}, replace {3}, keep {4}",
    ),
    (
        "cli.stats_unknown_figures",
        "{0} 个数字属于本版本不认识的指标（更新版的 gridlog 写的），未导入。",
        "{0} figures under ids this build does not know (from a newer gridlog) were left out.",
    ),
    // the 同步 tab of a county store (src/tui/sync/work.rs)
    (
        "tui.sync.imported_stats",
        "已导入 {0} 截至 {1} 的统计：{2} 个地方，新增 {3} 项，更新 {4} 项。",
        "Imported the figures of {0} as of {1}: {2} places, {3} entries added, {4} replaced.",
    ),
    ("tui.sync.stats_row", "{0} · {1} · {2} · 统计文件 {3} 行", "{0} · {1} · {2} · statistics, {3} rows"),
    // task tui-stats: a township writes its statistics file from the 同步 tab's export prompt
    // (src/tui/sync/dialogs.rs, dialog_view.rs, work.rs, places.rs)
    ("tui.sync.field_what", "内容", "Write"),
    ("tui.sync.what_bundle", "数据包", "a bundle"),
    ("tui.sync.what_stats", "统计文件（报县）", "statistics file (for the county)"),
    ("tui.sync.stats_title", "导出统计文件（报县）", "Write the statistics file for the county"),
    (
        "tui.sync.stats_hint",
        "只含各村、各期的统计数字，不含记录、姓名、证件号、电话；已签名，县里的密钥受信任后为县里加密。县级台账在同步标签页或用 gridlog import 导入。",
        "Figures only, per village and period: no record, name, ID number or phone. Signed, and sealed for the county once its key is trusted. The county imports it from its 同步 tab or with gridlog import.",
    ),
    ("tui.sync.stats_file_tag", "统计", "stats"),
    ("tui.sync.job_stats", "导出统计文件", "Writing the statistics file"),
    (
        "tui.sync.stats_exported",
        "已导出统计文件：{0} 个地方、{1} 个期间、{2} 行（{3}）到 {4}",
        "Statistics file written: {0} places, {1} periods, {2} rows ({3}) to {4}",
    ),
    (
        "tui.sync.stats_exported_sealed",
        "已导出统计文件（为 {5} 加密，密钥 {6}）：{0} 个地方、{1} 个期间、{2} 行（{3}）到 {4}",
        "Statistics file written, sealed for {5} (key {6}): {0} places, {1} periods, {2} rows ({3}) to {4}",
    ),
    ("tui.sync.stats_county", "县里", "the county"),
];
