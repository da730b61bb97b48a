"""Fixed vocabularies: countries, currencies, channels, names, merchant categories, memos.

Everything here is a tuple (ordered), so that drawing by index is reproducible.
"""

from __future__ import annotations

from sever.ingest import spec


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


CHANNELS = spec.CHANNELS  # the contract's own list
CH = {c: i for i, c in enumerate(CHANNELS)}
STATUSES = ("completed", "pending", "declined", "reversed")
CURRENCIES = ("USD", "GBP", "CAD", "EUR")
CUR = {c: i for i, c in enumerate(CURRENCIES)}
USD_RATE = (1.0, 1.27, 0.72, 1.08)  # starting rates; a seeded random walk follows
KINDS = ("individual", "business", "external")
KYC = ("none", "basic", "full")

US_ZONES = (
    ("us_east", 0.47),
    ("us_central", 0.29),
    ("us_mountain", 0.05),
    ("us_arizona", 0.02),
    ("us_pacific", 0.17),
)
CA_ZONES = (
    ("us_east", 0.62),
    ("us_central", 0.07),
    ("us_mountain", 0.12),
    ("us_pacific", 0.14),
    ("ca_atlantic", 0.05),
)
# code, currency index (for holders), zones and their weights
COUNTRIES: tuple[tuple[str, int, tuple[tuple[str, float], ...]], ...] = (
    ("US", 0, US_ZONES),
    ("GB", 1, (("uk", 1.0),)),
    ("CA", 2, CA_ZONES),
    ("NG", 0, (("wat", 1.0),)),
    ("CI", 0, (("gmt", 1.0),)),
    ("PH", 0, (("pht", 1.0),)),
    ("IN", 0, (("ist", 1.0),)),
    ("MX", 0, (("mx_central", 1.0),)),
    ("GH", 0, (("gmt", 1.0),)),
    ("DE", 3, (("cet", 1.0),)),
    ("FR", 3, (("cet", 1.0),)),
    ("NL", 3, (("cet", 1.0),)),
)
CTRY = {c[0]: i for i, c in enumerate(COUNTRIES)}
HOME_COUNTRIES = (("US", 0.85), ("GB", 0.08), ("CA", 0.07))
# where background remittances of immigrants go
REMIT_COUNTRIES = (("MX", 0.3), ("PH", 0.22), ("IN", 0.18), ("NG", 0.14), ("GH", 0.08))
REMIT_COUNTRIES += (("CI", 0.08),)

MALE = words(
    "James Michael Robert John David William Richard Joseph Thomas Chris Daniel Matthew "
    "Anthony Mark Josh Andrew Ryan Kevin Brian Jacob Tyler Ethan Noah Liam Mason Logan Aiden "
    "Lucas Jayden Carlos Luis Jose Diego Andre Malik Darnell Jamal Omar Ali Wei Minh Raj "
    "Arjun Kwame Oliver Harry George Jack Owen Caleb Hunter Connor Dylan Austin Evan Cole"
)
FEMALE = words(
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Emily Emma "
    "Olivia Ava Sophia Isabella Mia Abigail Madison Chloe Grace Hannah Ashley Brianna Kayla "
    "Maria Sofia Camila Valeria Aaliyah Imani Keisha Fatima Aisha Mei Linh Priya Ananya Ama "
    "Amelia Isla Poppy Lily Ella Zoe Natalie Rachel Megan Lauren Nicole"
)
LAST = words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
    "Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson "
    "White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott "
    "Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter "
    "Roberts Patel Kim Chen Singh Okafor Mensah Murphy OBrien Kowalski Novak Schmidt Evans "
    "Hughes Edwards Cooper Reed Bailey Bell Gomez Kelly Howard Ward Cox Diaz Richardson Wood "
    "Watson Brooks Bennett Gray James Reyes Cruz Price Myers Long Foster Sanders Ross Morales "
    "Powell Sullivan"
)
# beneficiaries abroad, by country code
FOREIGN_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "PH": (
        words("Maricel Jocelyn Rowena Analyn Jericho Mark Joy Princess Angelica Rhea"),
        words("Santos Reyes Cruz Bautista Ocampo Garcia Mendoza Dela_Cruz Ramos Villanueva"),
    ),
    "NG": (
        words("Chinedu Emeka Tunde Ifeoma Ngozi Olumide Chioma Segun Blessing Kelechi"),
        words("Okafor Adeyemi Okonkwo Balogun Eze Nwosu Ibrahim Olawale Uche Afolabi"),
    ),
    "CI": (
        words("Kouadio Aya Yao Adjoua Koffi Amenan Konan Affoue Serge Mariam"),
        words("Kouame Traore Kone Diabate Yao Coulibaly Bamba Ouattara Toure NGuessan"),
    ),
    "MX": (
        words("Juan Rosa Guadalupe Jesus Alejandra Miguel Fernanda Pedro Lucia Ramon"),
        words("Hernandez Garcia Martinez Lopez Gonzalez Perez Sanchez Ramirez Flores Cruz"),
    ),
    "IN": (
        words("Rahul Priya Amit Sunita Vikram Anjali Suresh Deepa Ravi Kavita"),
        words("Sharma Verma Gupta Kumar Singh Reddy Nair Iyer Das Mehta"),
    ),
    "GH": (
        words("Kwame Ama Kofi Akosua Yaw Abena Kwabena Efua Kojo Adwoa"),
        words("Mensah Owusu Boateng Asante Osei Appiah Agyeman Darko Antwi Addo"),
    ),
}

# merchant / business categories: name, share of businesses, card weight for adults,
# card weight for teens, amount (log-mean dollars, log-sd) or fixed price points
CATEGORIES: tuple[tuple[str, float, float, float, tuple[float, ...]], ...] = (
    ("grocery", 0.08, 0.20, 0.05, (55.0, 0.7)),
    ("restaurant", 0.12, 0.14, 0.14, (28.0, 0.6)),
    ("coffee", 0.05, 0.09, 0.10, (7.0, 0.4)),
    ("fuel", 0.04, 0.08, 0.01, (45.0, 0.4)),
    ("rideshare", 0.01, 0.06, 0.04, (19.0, 0.6)),
    ("food_delivery", 0.01, 0.06, 0.08, (32.0, 0.5)),
    ("streaming", 0.01, 0.04, 0.06, (6.99, 9.99, 11.99, 15.49)),
    ("gaming", 0.02, 0.03, 0.22, (4.99, 9.99, 19.99, 59.99, 69.99)),
    ("retail", 0.10, 0.14, 0.16, (40.0, 1.0)),
    ("pharmacy", 0.03, 0.05, 0.03, (22.0, 0.7)),
    ("telecom", 0.01, 0.03, 0.02, (45.0, 55.0, 65.0, 85.0)),
    ("electronics", 0.02, 0.02, 0.03, (150.0, 0.9)),
    ("fitness", 0.02, 0.03, 0.02, (29.99, 49.99, 10.0)),
    ("vpn", 0.005, 0.006, 0.005, (4.99, 9.99, 12.95, 59.88)),
    ("webcam", 0.005, 0.004, 0.0, (9.99, 19.99, 49.99, 99.99)),
    ("gift_cards", 0.01, 0.0, 0.0, (25.0, 50.0, 100.0)),
    ("prepaid", 0.01, 0.0, 0.0, (20.0, 50.0, 100.0, 200.0)),
    ("crypto_exchange", 0.005, 0.0, 0.0, (120.0, 1.1)),
    ("utility", 0.02, 0.0, 0.0, (95.0, 0.5)),
    ("property", 0.04, 0.0, 0.0, (1650.0, 0.3)),
    ("nonprofit", 0.02, 0.0, 0.0, (50.0, 0.8)),
    ("employer", 0.38, 0.0, 0.0, (2400.0, 0.35)),
)
CAT = {c[0]: i for i, c in enumerate(CATEGORIES)}
BIZ_WORDS = words(
    "Blue Oak Maple Summit Harbor Golden Pine River Cedar Lakeside Northside Urban Bright "
    "Sunrise Silver Redwood Prairie Liberty Coastal Metro Evergreen Hilltop Union Crown"
)
BIZ_NOUNS = {
    "grocery": "Market",
    "restaurant": "Grill",
    "coffee": "Coffee",
    "fuel": "Fuel",
    "rideshare": "Rides",
    "food_delivery": "Eats",
    "streaming": "Stream",
    "gaming": "Games",
    "retail": "Goods",
    "pharmacy": "Pharmacy",
    "telecom": "Mobile",
    "electronics": "Electronics",
    "fitness": "Fitness",
    "vpn": "VPN",
    "webcam": "Live Cams",
    "gift_cards": "Gift Cards",
    "prepaid": "Prepaid Card",
    "crypto_exchange": "Crypto Exchange",
    "utility": "Power & Water",
    "property": "Property Mgmt",
    "nonprofit": "Community Fund",
    "employer": "Industries",
}

# background memos; weights are relative within each tuple
P2P_MEMOS = (
    ("", 30), ("pizza", 3), ("🍕", 2), ("rent", 2), ("thanks", 4), ("thx", 3), ("uber", 3),
    ("lunch", 3), ("dinner", 4), ("drinks", 3), ("gas money", 2), ("groceries", 2), ("movie", 1),
    ("tickets", 1), ("bday 🎂", 1), ("happy birthday!", 1), ("coffee", 1), ("for last night", 1),
    ("split", 2), ("bills", 1), ("💸", 1), ("ty", 2), ("haircut", 1), ("babysitting", 1),
    ("dog walking", 1), ("lol", 1), ("owe you", 1), ("wifi", 1), ("electric", 1),
    ("phone bill", 1), ("netflix", 1), ("spotify", 1), ("sorry its late", 0.4),
    ("please pay me back", 0.2), ("pls", 0.2), ("thats all i have till friday", 0.1),
)  # fmt: skip
TEEN_MEMOS = (
    ("", 30), ("fortnite", 3), ("v-bucks", 3), ("robux", 3), ("snacks", 3), ("lunch", 3),
    ("movie", 2), ("game", 2), ("thx", 3), ("😂", 2), ("bet", 1), ("ur share", 2), ("boba", 2),
)  # fmt: skip
ALLOWANCE_MEMOS = (
    ("allowance", 5),
    ("lunch money", 3),
    ("for school", 2),
    ("love you", 1),
    ("", 4),
)
BILL_MEMOS = (("", 5), ("electric", 2), ("water", 1), ("internet", 2), ("insurance", 1))
RENT_MEMOS = (("rent", 5), ("October rent", 1), ("", 3))
SALARY_MEMOS = (("PAYROLL", 4), ("salary", 2), ("direct deposit", 1), ("", 3))
REMIT_MEMOS = (("family", 3), ("for mom", 2), ("para mama", 1), ("school fees", 1), ("", 4))
REMIT_MEMOS += (("house repairs", 0.5), ("padala", 0.5))
WIRE_MEMOS = (("invoice", 3), ("supplier payment", 2), ("", 3), ("PO payment", 1))
# one global memo vocabulary, so that background memos travel as small integers
MEMO_TABLES = (P2P_MEMOS, TEEN_MEMOS, ALLOWANCE_MEMOS, BILL_MEMOS, RENT_MEMOS)
MEMO_TABLES += (SALARY_MEMOS, REMIT_MEMOS, WIRE_MEMOS)
MEMOS = tuple(sorted({m for table in MEMO_TABLES for m, _w in table}))
