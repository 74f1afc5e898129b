"""The place names no library lists, and the exceptions to those the libraries list.

Data for :mod:`indexer.gazetteer`, each table with the reason it exists. Names are
written as running text writes them; the gazetteer folds them (case, accents,
Traditional -> Simplified), so ``中國`` needs no entry beside ``中国``.
"""

from __future__ import annotations

# fmt: off

# Common forms of country names that neither ISO nor CLDR lists (CLDR's own names, such
# as "South Korea", "Syria" and "Czechia", come from babel). Demonyms only where they
# rarely mean anything else; a plural "s" is added to those ending in -n, -i.
FORMS: dict[str, tuple[str, ...]] = {
    "AE": ("UAE", "Emirates", "Emirati"),
    "AF": ("Afghan",),
    "AL": ("Albanian",),
    "AM": ("Armenian",),
    "AR": ("Argentine", "Argentinian"),
    "AT": ("Austrian",),
    "AU": ("Australian",),
    "AZ": ("Azerbaijani", "Azeri"),
    "BA": ("Bosnia", "Bosnian"),
    "BD": ("Bangladeshi",),
    "BE": ("Belgian",),
    "BG": ("Bulgarian",),
    "BH": ("Bahraini",),
    "BO": ("Bolivian",),
    "BR": ("Brazilian",),
    "BY": ("Belarusian",),
    "CA": ("Canadian",),
    "CH": ("Swiss",),
    "CI": ("Ivory Coast", "Ivorian"),
    "CL": ("Chilean",),
    "CM": ("Cameroonian",),
    "CN": ("PRC", "Chinese", "中共", "中方", "中国大陆"),
    "CO": ("Colombian",),
    "CR": ("Costa Rican",),
    "CU": ("Cuban",),
    "CY": ("Cypriot",),
    "CZ": ("Czech Republic", "Czech"),
    "DE": ("German",),
    "DK": ("Danish", "Dane"),
    "DO": ("Dominican",),
    "DZ": ("Algerian",),
    "EC": ("Ecuadorian",),
    "EE": ("Estonian",),
    "EG": ("Egyptian",),
    "ES": ("Spanish", "Spaniard"),
    "ET": ("Ethiopian",),
    "FI": ("Finnish", "Finn"),
    "FR": ("French",),
    "GB": (
        "UK", "U.K.", "Britain", "Great Britain", "British", "Briton", "England", "Scotland",
        "Wales", "Northern Ireland", "Scottish", "Welsh",
        "英格兰", "苏格兰", "威尔士", "北爱尔兰", "英方",
    ),
    "GE": ("Georgia (country)", "Georgian"),
    "GH": ("Ghanaian",),
    "GR": ("Greek",),
    "GT": ("Guatemalan",),
    "HK": ("Hong Konger",),
    "HN": ("Honduran",),
    "HR": ("Croatian",),
    "HT": ("Haitian",),
    "HU": ("Hungarian",),
    "ID": ("Indonesian",),
    "IE": ("Irish",),
    "IL": ("Israeli",),
    "IN": ("Indian",),
    "IQ": ("Iraqi",),
    "IR": ("Iranian", "伊朗伊斯兰共和国"),
    "IS": ("Icelandic",),
    "IT": ("Italian",),
    "JM": ("Jamaican",),
    "JO": ("Jordanian",),
    "JP": ("Japanese", "日方"),
    "KE": ("Kenyan",),
    "KG": ("Kyrgyz",),
    "KH": ("Cambodian",),
    "KP": ("DPRK", "North Korean"),
    "KR": ("South Korean", "韩方"),
    "KW": ("Kuwaiti",),
    "KZ": ("Kazakh", "Kazakhstani"),
    "LA": ("Laotian",),
    "LB": ("Lebanese",),
    "LK": ("Sri Lankan",),
    "LR": ("Liberian",),
    "LT": ("Lithuanian",),
    "LV": ("Latvian",),
    "LY": ("Libyan",),
    "MA": ("Moroccan",),
    "MD": ("Moldovan",),
    "MK": ("Macedonia", "Republic of Macedonia", "Macedonian", "马其顿"),
    "ML": ("Malian",),
    "MM": ("Burma", "Burmese"),
    "MN": ("Mongolian",),
    "MX": ("Mexican",),
    "MY": ("Malaysian",),
    "MZ": ("Mozambican",),
    "NE": ("Nigerien",),
    "NG": ("Nigerian",),
    "NI": ("Nicaraguan",),
    "NL": ("Holland", "Dutch"),
    "NO": ("Norwegian",),
    "NP": ("Nepalese", "Nepali"),
    "NZ": ("New Zealander",),
    "OM": ("Omani",),
    "PA": ("Panamanian",),
    "PE": ("Peruvian",),
    "PH": ("Filipino", "Philippine"),
    "PK": ("Pakistani",),
    "PL": ("Polish",),
    "PS": (
        "Palestine", "Palestinian", "Gaza", "Gaza Strip", "West Bank",
        "约旦河西岸", "加沙", "加萨", "加沙走廊", "加萨走廊",
    ),
    "PT": ("Portuguese",),
    "PY": ("Paraguayan",),
    "QA": ("Qatari",),
    "RO": ("Romanian",),
    "RS": ("Serbian",),
    "RU": ("Russian",),
    "RW": ("Rwandan",),
    "SA": ("Saudi", "Saudi Arabian"),
    "SD": ("Sudanese",),
    "SE": ("Swedish", "Swede"),
    "SG": ("Singaporean",),
    "SI": ("Slovenian", "Slovene"),
    "SK": ("Slovak",),
    "SN": ("Senegalese",),
    "SO": ("Somali",),
    "SS": ("South Sudanese",),
    "SV": ("Salvadoran",),
    "SY": ("Syrian",),
    "SZ": ("Swaziland",),
    "TH": ("Thai",),
    "TJ": ("Tajik",),
    "TL": ("East Timor",),
    "TN": ("Tunisian",),
    "TR": ("Turkey", "Turkish", "Turk"),
    "TW": ("Taiwanese", "台澎金马"),
    "TZ": ("Tanzanian",),
    "UA": ("Ukrainian",),
    "UG": ("Ugandan",),
    "US": (
        "US", "U.S.", "USA", "U.S.A.", "America", "American", "Georgia (U.S. state)",
        "New England", "美方", "佐治亚州", "乔治亚州", "哥伦比亚特区", "新英格兰",
    ),
    "UY": ("Uruguayan",),
    "UZ": ("Uzbek",),
    "VA": ("Vatican", "Holy See", "梵蒂冈城国"),
    "VE": ("Venezuelan",),
    "VN": ("Vietnamese",),
    "XK": ("Kosovar",),
    "YE": ("Yemeni",),
    "ZA": ("South African",),
    "ZM": ("Zambian",),
    "ZW": ("Zimbabwean",),
}
# Names of several places at once (the talks of "朝韩" are both Koreas').
BOTH: dict[str, tuple[str, ...]] = {
    "Serbia and Montenegro": ("RS", "ME"),
    "塞尔维亚和黑山": ("RS", "ME"),
    "塞尔维亚与黑山": ("RS", "ME"),
    "朝韩": ("KP", "KR"),
    "韩朝": ("KP", "KR"),
    "两岸": ("CN", "TW"),
}
# Names of one of several places: the one the rest of the event names, else the first
# (a leading "" means: no default). "德州" is Texas more often than Dezhou; "萨马拉" is
# Samara, or Samarra in Iraq.
EITHER: dict[str, tuple[str, ...]] = {
    "德州": ("US", "CN"),
    "萨马拉": ("RU", "IQ"),
    "Georgia": ("GE", "US"),
    "Korea": ("", "KR", "KP"),
    "Korean": ("", "KR", "KP"),
    "Koreans": ("", "KR", "KP"),
    "朝鲜半岛": ("", "KR", "KP"),
    "Congo": ("", "CD", "CG"),
    "Congolese": ("", "CD", "CG"),
    "刚果": ("", "CD", "CG"),
}
# Longer names that contain a place name but are not that place: matched so that the
# place name inside them is not ("Indian Ocean" is no part of India).
NOT_PLACES = (
    "Latin America", "South America", "Central America", "North America",
    "Latin American", "South American", "Central American", "North American",
    "Native American", "Native Americans", "Indian Ocean", "Pan American",
    "South China Sea", "East China Sea", "New Guinea", "Chinese New Year",
    "中美洲", "南美洲", "北美洲", "拉丁美洲", "印度洋", "朝鲜族", "中非合作",
    "理查德", "哥伦比亚大学",
)
# A Han name right after these is a storm's ("台风狮子山" is not Sierra Leone).
STORM_WORDS = ("台风", "飓风", "风暴", "气旋", "热带风暴", "强烈热带风暴", "超强台风")
# City names more often words or people's names than the city, as seen in the real
# archives ("Most", "Engels", "Hitachi", "克林顿"; Han ones are mostly caught by
# segmentation, these are not).
NOT_PLACE_WORDS = (
    "Most", "Man", "Independence", "Surprise", "Mobile", "Split", "Mission", "Van",
    "Metro", "Forest", "Wedding", "Sparks", "Sale", "Male", "Union", "Torrent",
    "Temple", "Spring", "Reading", "Orange", "Hub", "Date", "Normal", "Delta",
    "Sunrise", "Springs", "Tours", "Midland", "Engels", "San", "David", "Dalai",
    "Hassan", "Norman", "Nancy", "Nelson", "Mary", "Mariano", "Kennedy", "Hitachi",
    "Aurora", "Elizabeth", "Taylor", "Tracy", "Sandy", "Roman", "George", "Eugene",
    "Chelsea", "Camden", "Jackson", "Martin", "Mandela", "Henderson", "Rubio",
    "Rogers", "Moreno", "Moore", "Lander", "Castro", "Carson", "Carolina", "Edison",
    "Santos", "Salvador", "Ventura", "Gaya", "Doral", "Lincoln", "Florence",
    "Victoria", "Charlotte", "Madison", "Austin", "Troy", "Obama", "Sydney",
    "胜利", "贝拉", "利兹", "伊丽莎白", "克林顿", "马歇尔", "种植园", "新城市",
    "坦普尔", "斯坦利", "达尔文", "康普顿", "阿巴", "卡利", "瑞安", "库伦",
    "拉迪斯", "罗塞塔", "哥伦布", "三角洲", "北海", "马德拉", "香格里拉",
    "马里亚纳", "乔斯",
)
# Short Han country names that are also parts of other words and names ("理查德" holds
# "查德", Chad; "马里奥" holds "马里", Mali): taken only where segmentation cuts.
SEGMENTED = (
    "马里", "马利", "查德", "乍得", "阿曼", "苏丹", "巴林", "黑山", "卡达", "尼日",
    "根息", "泽西", "东加", "贝南", "加彭", "多哥", "约旦", "刚果", "萌岛", "曼岛",
    "葛摩", "诺鲁", "帕劳", "纽埃", "汤加", "古巴", "海地", "不丹", "蒙古", "叶门",
)
# Acronyms: matched only as written, in capitals ("us" is a pronoun).
EXACT = ("US", "UK", "UAE", "USA", "PRC", "DPRK")
# Country names that are also first names: not taken next to another capitalised word
# ("Michael Jordan", "Chad Johnson").
PERSONAL = ("Jordan", "Chad")
# ISO 3166-2 divisions taken as places of their country, with the suffixes that names
# drop in running text ("四川省" is mostly "四川"). Other countries' divisions are in
# local spellings ("Ḩalab") or mistranslated in iso-codes, so they are left out.
DIVISIONS: dict[str, tuple[str, ...]] = {
    "US": ("州",),
    "CN": (
        " Sheng", " Shi", " Zizhiqu", " Huizu Zizhiqu", " Uygur Zizhiqu",
        " Zhuangzu Zizhiqu", "省", "市", "自治区", "回族自治区", "维吾尔自治区",
        "壮族自治区",
    ),
    "JP": ("县", "府", "都"),
    "TW": ("县", "市"),
}
# Divisions with codes of their own (CN-HK is HK), or whose name is first another
# place's (Georgia).
SKIP_DIVISIONS = ("CN-HK", "CN-MO", "CN-TW", "US-GA")
# Regions in the news that are in no list above.
REGIONS: dict[str, tuple[str, ...]] = {
    "CN": ("Tibet", "Tibetan", "Xinjiang", "Inner Mongolia", "内蒙古", "西藏", "新疆"),
    "ES": ("Catalonia", "Catalan", "加泰罗尼亚"),
    "RU": ("Chechnya", "Chechen", "车臣"),
    "SD": ("Darfur", "达尔富尔"),
}
# Capitalised words that may stand before a city or a first-name country without making
# it a person's name ("In Paris", "Lake Chad"); any other capitalised word does.
LEAD_WORDS = frozenset((
    "A", "About", "After", "Against", "And", "Around", "At", "Before", "Between", "By",
    "During", "For", "From", "In", "Into", "Near", "Of", "Off", "On", "Outside", "Over",
    "Since", "The", "Through", "To", "Toward", "Towards", "Under", "Until", "Via", "With",
    "Within", "Without", "Lake", "River", "Gulf", "Mount", "North", "South", "East", "West",
    "Northern", "Southern", "Eastern", "Western", "Central", "Greater", "Downtown", "Upper",
    "Lower",
))
# fmt: on
