"""A short generic category for a suggestion, chosen by keywords from a fixed list."""

from __future__ import annotations

OTHER = "其他"

# Generic keywords per category; the first category with the most hits wins.
_WORDS = (
    ("监管执法", "监管 执法 检查 查处 举报 监督 巡查 处罚 整治 台账 "
               "信用 追溯 检测 考核 督查 排查 违法 偷排"),
    ("政策资金", "补贴 补助 奖补 奖励 资金 基金 政策 经费 财政 减免 "
               "优惠 贷款 保险 担保 定价 水价 收费 预算 投入"),
    ("生态环保", "污水 污染 环保 排放 雨水 治污 清淤 垃圾 生态 绿化 "
               "河道 水质 废水 噪声 截污 节能 环境 淤"),
    ("基础设施", "道路 管网 修建 建设 改造 路灯 停车 车道 公路 桥 "
               "设施 管道 冷库 场地 断头路 拓宽 硬化 护栏 站点 仓 "
               "施工 通行 交通 安装"),
    ("公共服务", "学校 教育 医疗 卫生 养老 公交 班车 救护 培训 服务 "
               "托育 就医 文化 体育 便民 专线 上学 老人"),
    ("产业发展", "产业 品牌 电商 销售 订单 市场 农业 品种 种植 旅游 "
               "民宿 合作社 直播 认证 标准 收购 招商 农旅 播种 上市 "
               "农户 农产品"),
    ("社会治理", "群众 志愿 乡贤 村民 居民 自治 协商 管护 责任 网格 安全 "
               "调解 共建 共管 物业 组织起来 隐患 消防 警示"),
    ("宣传公开", "公开 宣传 公示 公布 发布 通报 告知 平台 小程序 微信 "
               "推介 信息"),
)
KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (name, tuple(words.split())) for name, words in _WORDS)

CATEGORIES = (*(name for name, _ in KEYWORDS), OTHER)


def categorize(text: str) -> str:
    """The category whose keywords occur most often in the text; 其他 when none do."""
    best, hits = OTHER, 0
    for name, words in KEYWORDS:
        count = sum(text.count(w) for w in words)
        if count > hits:
            best, hits = name, count
    return best
