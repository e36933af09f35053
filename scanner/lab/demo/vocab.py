"""Words and phrases of the demo ads, in Dutch and English, with a few Romanian, Spanish and Hungarian words.

Every list is written to be mixed: the text composer (`scanner.lab.demo.texts`) picks one phrase per part
with a writer's own random generator, so no two writers sound the same. Indicator phrases
(`INDICATOR_PHRASES`) are the only place where an indicator family enters a text, so the ground
truth knows exactly which families an ad carries. Placeholders: {name} {age} {city} {district}
{height} {cup} {h1} {h2} {agency} {day} {month}.
"""

from __future__ import annotations

Table = dict[str, tuple[str, ...]]  # language -> phrases

NAMES_NL = (
    "Lisa",
    "Sanne",
    "Eva",
    "Anouk",
    "Femke",
    "Iris",
    "Lotte",
    "Romy",
    "Demi",
    "Naomi",
    "Kim",
    "Chantal",
    "Esmee",
    "Joyce",
    "Priscilla",
    "Yvonne",
    "Mandy",
    "Melissa",
    "Jasmijn",
    "Noor",
    "Roos",
    "Sophie",
    "Bo",
    "Tess",
    "Lynn",
    "Fleur",
    "Kelly",
    "Sharon",
    "Wendy",
    "Nina",
)
NAMES_INTL = (
    "Bianca",
    "Andreea",
    "Ioana",
    "Alina",
    "Denisa",
    "Roxana",
    "Larisa",
    "Cristina",
    "Reka",
    "Viktoria",
    "Zsofia",
    "Anita",
    "Nikol",
    "Petra",
    "Valentina",
    "Camila",
    "Daniela",
    "Luna",
    "Paola",
    "Mariana",
    "Jessica",
    "Sabrina",
    "Angel",
    "Kiara",
    "Mia",
    "Bella",
    "Vanessa",
    "Amira",
    "Leila",
    "Yasmin",
    "Tiffany",
    "Candy",
    "Scarlett",
    "Ruby",
    "Nadia",
    "Anastasia",
    "Sonia",
    "Diana",
    "Mona",
    "Elena",
)
AGENCY_NAMES = (
    "Escort Bureau Diamond",
    "Club Venus",
    "Villa Rosa",
    "Privéhuis De Zwaan",
    "Escortservice Elite",
    "Club Paradise",
    "Relaxhuis Bella",
    "Escort Royal",
    "Privé Oase",
    "Club 21",
    "Velvet Escorts",
    "Huize Amour",
)
LICENCE_PREFIXES = ("SB", "EXP", "PRV", "VG", "ESC")

GREETINGS: Table = {
    "nl": (
        "Hey",
        "Hallo mannen",
        "Goedemiddag",
        "Hoi schat",
        "Hoi lieverd",
        "Hallo heren",
        "Hey schatje",
        "Hoi hoi",
        "Welkom op mijn pagina",
        "Hallo daar",
        "Hee lekker ding",
        "Goedendag heren",
        "Hoi jongens",
        "Hallo allemaal",
    ),
    "en": (
        "Hello boys",
        "Hey handsome",
        "Hello gentlemen",
        "Hi guys",
        "Hey baby",
        "Welcome",
        "Hi there",
        "Hello darling",
        "Hey you",
        "Hi sweetie",
    ),
}
FOREIGN_GREETINGS: Table = {
    "ro": ("Bună iubire", "Salut dragule"),
    "es": ("Hola guapo", "Hola cariño"),
    "hu": ("Szia drágám", "Szia"),
}
FOREIGN_CLOSINGS: Table = {"ro": ("pupici", "te pup"), "es": ("besos", "besitos amor"), "hu": ("puszi", "puszi puszi")}

INTRO_FIRST: Table = {
    "nl": (
        "{name}, {age}j",
        "Hoi ik ben {name} {age} jr",
        "Ik ben {name}, {age} jaar",
        "Mijn naam is {name} en ik ben {age}",
        "Ik ben {name} ({age})",
        "{name} hier, {age} jaar jong",
        "Ik heet {name}, ben {age} jaar",
        "Ik ben {name}",
    ),
    "en": (
        "{name} {age}yo",
        "Me: {name}, age {age}",
        "I am {name}, {age} years old",
        "My name is {name}, I'm {age}",
        "I'm {name} ({age})",
        "{name} here, {age} y.o.",
        "I am {name}",
    ),
}
INTRO_THIRD: Table = {
    "nl": (
        "{name} ({age}j) is er weer",
        "Dit is {name}, {age} jaar",
        "Zij heet {name} en is {age}",
        "Maak kennis met {name} ({age})",
        "Deze meid heet {name}, zij is {age} jaar",
        "{name} is een lieve dame van {age}",
        "Onze {name} ({age}) staat voor je klaar",
    ),
    "en": (
        "This is {name}, {age} years",
        "She is {name}, {age}",
        "Meet {name} ({age})",
        "This girl is {name}, she is {age}",
        "Our lovely {name} ({age})",
    ),
}
INTRO_FIRST_NOAGE: Table = {
    "nl": ("Ik ben {name}", "Mijn naam is {name}", "{name} hier", "Ik heet {name}"),
    "en": ("I am {name}", "My name is {name}", "{name} here", "I'm {name}"),
}
INTRO_THIRD_NOAGE: Table = {
    "nl": (
        "Dit is {name}",
        "Zij heet {name}",
        "Maak kennis met {name}",
        "Deze meid heet {name}",
        "Onze {name} staat voor je klaar",
    ),
    "en": ("This is {name}", "She is {name}", "Meet {name}", "Our lovely {name}"),
}
PERSONALITY_FIRST: Table = {
    "nl": (
        "nieuwsgierig en open",
        "een lieve blonde dame met humor",
        "een spontane en sensuele vrouw",
        "lief, ondeugend en altijd in voor een grapje",
        "een echte genieter die de tijd neemt",
        "vrolijk, warm en een beetje verlegen in het begin",
        "een nette en discrete dame",
        "een stoute meid met een lieve lach",
        "rustig en zorgzaam",
    ),
    "en": (
        "a sweet and naughty lady",
        "a warm and open minded woman",
        "friendly, elegant and discreet",
        "a real girlfriend type",
        "playful and passionate",
    ),
}
PERSONALITY_THIRD: Table = {
    "nl": (
        "zij is spontaan en sensueel",
        "ze is lief en ondeugend",
        "zij neemt graag de tijd voor je",
        "ze is vrolijk en heel lief",
        "zij is een nette en discrete dame",
    ),
    "en": (
        "she is sweet and naughty",
        "she is open minded and friendly",
        "she is elegant and discreet",
        "she is a real girlfriend type",
    ),
}
LOOKS: Table = {
    "nl": (
        "{height}, natuurlijke {cup}, getint",
        "sportief, {height} en lange haren",
        "slank, {height}, cup {cup}",
        "lange benen en {cup} natuurlijk",
        "{height} lang, slank postuur",
        "rondingen op de juiste plekken, maat {cup}",
        "donker haar, bruine ogen, {height}",
        "blond, blauwe ogen, {height}, {cup}",
        "maatje 36, {cup}",
        "curvy en trots, {cup}",
    ),
    "en": (
        "slim, {height}, {cup} natural",
        "long legs and {cup}",
        "{height} tall, sporty body",
        "curvy body, size {cup}",
        "dark hair, brown eyes, {height}",
        "blonde, blue eyes, {height}",
    ),
}
HEIGHTS_CM = (155, 158, 160, 162, 164, 165, 167, 168, 170, 172, 174, 175, 178, 180)
CUPS = ("70B", "75B", "75C", "80C", "85C", "80D", "75D", "90D", "85E")

INCALL: Table = {
    "nl": (
        "Ik ontvang in mijn eigen privé appartement in {city} {district}",
        "Ontvangst in een schone en discrete woning in {city}",
        "Je bent welkom bij mij thuis in {city}",
        "Prive ontvangst {city} ({district})",
        "Ik werk vanuit mijn eigen huis in {city}, gratis parkeren",
        "Ontvangst in {city} centrum, 5 min van station",
    ),
    "en": (
        "Private apartment in {city} {district}",
        "Incall in {city}, clean and discreet",
        "You can visit me in {city}",
        "Incall {city} ({district}), free parking",
    ),
}
INCALL_THIRD: Table = {
    "nl": (
        "Zij ontvangt in {city} {district}",
        "Ontvangst in een discreet pand in {city}",
        "Privé ontvangst in {city}, parkeren voor de deur",
        "Ontvangst {city} ({district}) of escort",
    ),
    "en": (
        "She receives in {city} {district}",
        "Incall at a discreet address in {city}",
        "Private incall {city}, parking nearby",
    ),
}
ESCORT: Table = {
    "nl": (
        "Ook escort mogelijk (thuis)",
        "Escort vanaf 2 uur",
        "Kom ook bij jou thuis in de regio",
        "Escort regio {city} en omgeving",
    ),
    "en": ("Outcall possible", "Outcall from 2 hours", "Also visiting you at home in the area"),
}
HOURS: Table = {
    "nl": (
        "ma-vr {h1}.00-{h2}.00u",
        "Vandaag van {h1} tot {h2} uur",
        "Dagelijks {h1}:00-{h2}:00, zondag gesloten",
        "Bereikbaar van {h1}:00 tot {h2}:00",
        "ma t/m za {h1}:00 - {h2}:00",
        "Werkdagen van {h1}u tot {h2}u",
        "Afspraken tussen {h1}.00 en {h2}.00 uur",
        "Vandaag beschikbaar vanaf {h1}:00",
    ),
    "en": (
        "Daily {h1}:00-{h2}:00, closed on Sunday",
        "Available from {h1}:00 to {h2}:00",
        "Mon-Sat {h1}:00 - {h2}:00",
        "Open today from {h1}:00",
    ),
}
BENIGN_EXTRAS: Table = {
    "nl": (
        "Ik werk zelfstandig en in mijn eigen tempo",
        "Veilig en hygiënisch, altijd met condoom",
        "Geen haast, ik neem de tijd",
        "Respect is voor mij heel belangrijk",
        "Geen drugs, geen dronken mannen",
        "Bel minimaal 30 minuten van tevoren",
        "Geen anonieme nummers",
        "Verzorgde heren zijn welkom",
        "Douche aanwezig",
        "Ik spreek Nederlands en Engels",
        "Parkeren voor de deur",
        "Liefst een afspraak een dag vooraf",
    ),
    "en": (
        "I work independently",
        "Safe and clean, always with protection",
        "No rush, I take my time",
        "Respect is important to me",
        "No drugs, no drunk guys",
        "Call at least 30 minutes before",
        "No private numbers",
        "Well groomed gentlemen only",
        "I speak English and a little Dutch",
    ),
}
AGENCY_LINES: Table = {
    "nl": (
        "{agency} werkt met vergunning",
        "Bij {agency} werken alleen zelfstandige dames",
        "Reserveren via de receptie van {agency}",
        "{agency}: discreet, veilig en betrouwbaar sinds 2009",
        "Al onze dames zijn 21+ en werken uit vrije wil",
        "Bel de receptie voor beschikbaarheid",
    ),
    "en": (
        "{agency} is a licensed business",
        "Book through the reception of {agency}",
        "All our ladies are 21+ and work independently",
    ),
}

SERVICES_SAFE: Table = {
    "nl": (
        "tongzoenen",
        "GFE",
        "massage",
        "body to body",
        "69",
        "striptease",
        "rollenspel",
        "douchen samen",
        "kussen",
        "vingeren",
        "erotische massage",
        "lingerie",
        "voetfetish",
        "dominant",
        "duo",
        "knuffelen",
    ),
    "en": (
        "french kissing",
        "GFE",
        "massage",
        "body to body",
        "69",
        "striptease",
        "role play",
        "shower together",
        "cuddling",
        "erotic massage",
        "lingerie",
        "foot fetish",
        "domination",
        "duo",
    ),
}
SERVICES_UNSAFE: Table = {
    "nl": ("pijpen zonder", "AO", "grieks", "klaarkomen in mond", "onbeschermd", "zonder condoom"),
    "en": ("BBBJ", "BBFS", "CIM", "anal", "bareback", "no condom"),
}

INDICATOR_PHRASES: dict[str, Table] = {
    "youth": {
        "nl": (
            "net 18 geworden",
            "jonge meid",
            "lekker studentje",
            "schoolmeisje look",
            "jong en fris 🎒",
            "tiener uitstraling",
            "piepjong",
        ),
        "en": ("barely legal", "young and fresh", "just turned 18", "petite young girl", "teen look 👧", "fresh young"),
    },
    "unsafe": {
        "nl": ("alles mag", "geen taboes", "pijpen zonder condoom mogelijk", "AO mogelijk", "ook grieks"),
        "en": ("no limits", "BBBJ ok", "everything without condom", "anal ok", "no taboo"),
    },
    "no_refusal": {
        "nl": ("geen weigeringen", "jij bepaalt alles", "alles kan bij mij", "ik zeg nooit nee"),
        "en": ("I do everything you want", "you decide everything", "I never say no"),
    },
    "24_7": {
        "nl": (
            "24/7 beschikbaar",
            "dag en nacht bereikbaar",
            "24 uur per dag",
            "7 dagen per week open",
            "ook 's nachts",
            "altijd beschikbaar",
        ),
        "en": ("available 24/7", "day and night", "24h available", "open 24 hours", "also at night"),
    },
    "real_language": {
        "nl": ("100% echte foto's", "geen nep", "foto's zijn echt ✅", "betrouwbaar", "echt en geverifieerd"),
        "en": ("100% real", "real pics", "no fake", "verified ✅", "real photos guaranteed"),
    },
    "new_in_town": {
        "nl": (
            "Nieuw in {city}!",
            "net aangekomen in {city}",
            "alleen deze week in {city}",
            "paar dagen in {city}",
            "laatste dagen in {city}",
            "op tour, nu in {city}",
        ),
        "en": (
            "New in {city}!",
            "just arrived in {city}",
            "only few days in {city}",
            "on tour, now in {city}",
            "last days in {city}",
        ),
    },
    "hotel": {
        "nl": (
            "ontvangst in hotel",
            "hotelkamer bij de snelweg",
            "adres via WhatsApp",
            "discreet adres",
            "hotel vlakbij de A2",
            "in een vakantiepark",
        ),
        "en": ("hotel incall", "hotel room near the highway", "address by WhatsApp", "discreet address"),
    },
    "multi_women": {
        "nl": ("2 meiden aanwezig", "duo met vriendin mogelijk", "nieuwe meiden", "meerdere dames"),
        "en": ("2 girls available", "new girls", "duo with my friend", "several ladies"),
    },
    "money_pressure": {
        "nl": ("moet snel geld hebben", "help me even, schulden", "snel geld nodig"),
        "en": ("need money fast", "help me out, i have debts"),
    },
    "origin": {
        "nl": (
            "Roemeense meid",
            "Hongaarse schoonheid",
            "hete Latina",
            "Braziliaanse dame",
            "Nederlandse vrouw",
            "Oost-Europese schoonheid",
            "Colombiaanse",
        ),
        "en": (
            "Romanian girl",
            "Hungarian beauty",
            "hot Latina",
            "Brazilian lady",
            "Dutch woman",
            "Eastern European beauty",
        ),
    },
    "low_price": {
        "nl": ("actie deze week!", "goedkoop", "speciale prijs", "scherpe prijs"),
        "en": ("special price!", "cheap", "promo this week"),
    },
}

CONTACT: Table = {
    "nl": (
        "Bel of app: {phone}",
        "Bellen of WhatsApp {phone}",
        "Alleen WhatsApp: {phone}",
        "📞 {phone}",
        "Tel {phone}",
        "Bel mij op {phone}",
        "App me ff: {phone}",
        "Contact: {phone} (geen sms)",
    ),
    "en": ("Call or WhatsApp {phone}", "Only WhatsApp {phone}", "📱 {phone}", "Call me: {phone}", "Text me {phone}"),
}
CONTACT_THIRD: Table = {
    "nl": ("Bel voor een afspraak: {phone}", "Reserveren: {phone}", "Bel of app {phone}", "Info en afspraken {phone}"),
    "en": ("Call for an appointment: {phone}", "Bookings: {phone}", "Call or WhatsApp {phone}"),
}
CONTACT_NO_PHONE: Table = {
    "nl": ("Bel of app het nummer hierboven", "Contact via het nummer in mijn profiel", "Stuur een berichtje"),
    "en": ("Call the number above", "Contact via the number in my profile"),
}
CLOSINGS: Table = {
    "nl": (
        "Tot gauw",
        "X {name}",
        "Dikke kus",
        "Kusjes",
        "Tot snel",
        "Liefs",
        "Xx",
        "Ik wacht op je",
        "Tot zo",
        "Groetjes",
        "Doei",
    ),
    "en": ("Kisses", "See you soon", "xoxo", "Waiting for you", "Love"),
}
TITLES: Table = {
    "nl": (
        "{name} {age}jr",
        "NIEUW: {name}",
        "Lekkere {name} in {city}",
        "{name} in {city}",
        "Sensuele {name} ({age})",
        "Lieve {name} ontvangt in {city}",
        "{name} - {city}",
        "Ondeugende {name}",
        "Nieuwe foto's van {name}",
        "{name} verwent je",
        "Heerlijke {name}, {city}",
    ),
    "en": (
        "{name} in {city}",
        "Sexy {name} ({age})",
        "Sweet {name} incall {city}",
        "{name} - {city}",
        "Hot {name} waiting for you",
        "{name}, real pics",
    ),
}
EMOJIS = ("💋", "🌹", "✨", "😘", "🔥", "💦", "❤️", "🍑", "😈", "🥰", "💕", "🌸", "😍", "👅", "💎", "🍒")
TRAPS: dict[str, Table] = {
    "date": {
        "nl": ("Vanaf {day}-{month} weer beschikbaar", "Op {day}/{month} vrij", "Terug op {day}-{month}-2026"),
        "en": ("Back on {day}/{month}", "Away until {day}-{month}"),
    },
    "ad_id": {"nl": ("Advertentie nr. {adid}", "Ref {adid}"), "en": ("Ad #{adid}", "Ref {adid}")},
    "kvk": {"nl": ("KvK {kvk}", "Ingeschreven bij de KvK onder {kvk}"), "en": ("Chamber of Commerce {kvk}",)},
    "weight": {"nl": ("{kg} kg",), "en": ("{kg} kg",)},
}
