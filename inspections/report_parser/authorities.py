"""The English local authorities with children's services, by the short name
Ofsted's current titles use ("Bristol", not "Bristol, City of").

From the public local-authority register in ``../shared/reports/local_authorities.csv``
(ONS names), with Ofsted's spelling where it differs. Former authorities stay
(Poole, Northamptonshire, Cumbria): their old reports still name them.
"""

import re

NAMES = (
    "Barking and Dagenham",
    "Barnet",
    "Barnsley",
    "Bath and North East Somerset",
    "Bedford",
    "Bexley",
    "Birmingham",
    "Blackburn with Darwen",
    "Blackpool",
    "Bolton",
    "Bournemouth, Christchurch and Poole",
    "Bournemouth",
    "Bracknell Forest",
    "Bradford",
    "Brent",
    "Brighton and Hove",
    "Bristol",
    "Bromley",
    "Buckinghamshire",
    "Bury",
    "Calderdale",
    "Cambridgeshire",
    "Camden",
    "Central Bedfordshire",
    "Cheshire East",
    "Cheshire West and Chester",
    "City of London",
    "Cornwall",
    "Coventry",
    "Croydon",
    "Cumberland",
    "Cumbria",
    "Darlington",
    "Derby",
    "Derbyshire",
    "Devon",
    "Doncaster",
    "Dorset",
    "Dudley",
    "Durham",
    "Ealing",
    "East Riding of Yorkshire",
    "East Sussex",
    "Enfield",
    "Essex",
    "Gateshead",
    "Gloucestershire",
    "Greenwich",
    "Hackney",
    "Halton",
    "Hammersmith and Fulham",
    "Hampshire",
    "Haringey",
    "Harrow",
    "Hartlepool",
    "Havering",
    "Herefordshire",
    "Hertfordshire",
    "Hillingdon",
    "Hounslow",
    "Isle of Wight",
    "Isles of Scilly",
    "Islington",
    "Kensington and Chelsea",
    "Kent",
    "Kingston upon Hull",
    "Kingston upon Thames",
    "Kirklees",
    "Knowsley",
    "Lambeth",
    "Lancashire",
    "Leeds",
    "Leicester",
    "Leicestershire",
    "Lewisham",
    "Lincolnshire",
    "Liverpool",
    "Luton",
    "Manchester",
    "Medway",
    "Merton",
    "Middlesbrough",
    "Milton Keynes",
    "Newcastle upon Tyne",
    "Newham",
    "Norfolk",
    "North East Lincolnshire",
    "North Lincolnshire",
    "North Northamptonshire",
    "North Somerset",
    "North Tyneside",
    "North Yorkshire",
    "Northamptonshire",
    "Northumberland",
    "Nottingham",
    "Nottinghamshire",
    "Oldham",
    "Oxfordshire",
    "Peterborough",
    "Plymouth",
    "Poole",
    "Portsmouth",
    "Reading",
    "Redbridge",
    "Redcar and Cleveland",
    "Richmond upon Thames",
    "Rochdale",
    "Rotherham",
    "Rutland",
    "Salford",
    "Sandwell",
    "Sefton",
    "Sheffield",
    "Shropshire",
    "Slough",
    "Solihull",
    "Somerset",
    "South Gloucestershire",
    "South Tyneside",
    "Southampton",
    "Southend-on-Sea",
    "Southwark",
    "St Helens",
    "Staffordshire",
    "Stockport",
    "Stockton-on-Tees",
    "Stoke-on-Trent",
    "Suffolk",
    "Sunderland",
    "Surrey",
    "Sutton",
    "Swindon",
    "Tameside",
    "Telford and Wrekin",
    "Thurrock",
    "Torbay",
    "Tower Hamlets",
    "Trafford",
    "Wakefield",
    "Walsall",
    "Waltham Forest",
    "Wandsworth",
    "Warrington",
    "Warwickshire",
    "West Berkshire",
    "West Northamptonshire",
    "West Sussex",
    "Westminster",
    "Westmorland and Furness",
    "Wigan",
    "Wiltshire",
    "Windsor and Maidenhead",
    "Wirral",
    "Wokingham",
    "Wolverhampton",
    "Worcestershire",
    "York",
)

# Other names Ofsted prints for an authority.
ALIASES = {
    "bcp": "Bournemouth, Christchurch and Poole",
    "hull": "Kingston upon Hull",
    "county durham": "Durham",
    "southend": "Southend-on-Sea",
    "city of london corporation": "City of London",
    "london corporation": "City of London",
    "corporation of london": "City of London",
}

# Words round a name in titles and address blocks: "the London Borough of X",
# "X Metropolitan Borough Council", "X Children and Families Trust".
PREFIX = re.compile(
    r"^(?:the\s+)?(?:(?:London|Royal)\s+Borough\s+of|Metropolitan\s+Borough\s+of|"
    r"Borough\s+of|City\s+of(?!\s+London\b)|Council\s+of\s+the|County\s+of)\s+",
    re.I,
)
SUFFIX = re.compile(
    r"\s+(?:(?:Metropolitan\s+)?(?:Borough\s+|City\s+|County\s+|District\s+)?Council|"
    r"Children(?:[’']s)?\s+(?:and\s+Families\s+|Services\s+)?Trust|Children[’']s\s+Services|"
    r"Metropolitan\s+Borough|Metropolitan\s+District|Unitary\s+Authority|Borough|City)$",
    re.I,
)


def _key(name: str) -> str:
    name = " ".join(name.replace("&", " and ").replace("-", " ").split()).lower()
    return name.replace("st. ", "st ").removeprefix("the ")


BY_KEY = {_key(name): name for name in NAMES} | ALIASES


def canonical_name(printed: str) -> str:
    """The register's short name for an authority's name as printed.

    "Kent County Council" -> "Kent", "Royal Borough of Windsor and Maidenhead" ->
    "Windsor and Maidenhead", "Telford & Wrekin" -> "Telford and Wrekin". A name
    the register does not know comes back with only the obvious words taken off.
    """
    name = re.sub(r"['’]s$", "", " ".join(printed.split()).strip(" ,."))  # "Durham’s"
    for _ in range(3):  # "the Royal Borough of X Council": take each layer off in turn
        if _key(name) in BY_KEY:
            return BY_KEY[_key(name)]
        shorter = SUFFIX.sub("", PREFIX.sub("", name))
        if shorter == name:
            break
        name = shorter
    return BY_KEY.get(_key(name), name)


def is_known(name: str) -> bool:
    return _key(name) in BY_KEY
