"""Nationalities, religions and political groups (``NRP``) from a word list: ``Icelandic``, ``Sikhs``, ``Tories``.

The small spaCy model finds common nationality adjectives (``French``) but misses many others
(``Greenlandic``, ``Kazakhstani``, ``Faroese``), most people nouns (``Icelanders``, ``Swedes``) and many
religious and political groups. This recognizer reports the words of :data:`NRP_WORDS` (and the plurals
made by adding ``s``), capitalised as they are written in English, or in any case in an all-lower-case
text. Score:

* :data:`ALONE` (above the NER's guess, 0.5 after post-processing) when the next word is not capitalised:
  the word stands for the group itself (``a Faroese fisherman``, ``the Sikhs of Punjab``);
* :data:`BEFORE_NAME` (below the NER) when a capitalised word follows, where the word may begin a company's
  or a place's name (``American Express``, ``Indian Ocean``), so the NER's verdict on the whole name wins.

Ambiguous political words (``Conservative``, ``Liberal``) count only inside a sentence, not as its first
word, where any word is capitalised.
"""

from __future__ import annotations

import re

from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

_NATIONALITIES = (
    "Afghan Albanian Algerian American Andorran Angolan Argentine Argentinian Armenian Australian Austrian "
    "Azerbaijani Bahamian Bahraini Bangladeshi Barbadian Belarusian Belgian Belizean Beninese Bhutanese Bolivian "
    "Bosnian Botswanan Brazilian British Bruneian Bulgarian Burkinabe Burmese Burundian Cambodian Cameroonian "
    "Canadian Chadian Chilean Chinese Colombian Congolese Croatian Cuban Cypriot Czech Danish Djiboutian Dominican "
    "Dutch Ecuadorian Egyptian Emirati English Eritrean Estonian Ethiopian Fijian Filipino Filipina Finnish French "
    "Gabonese Gambian German Ghanaian Greek Grenadian Guatemalan Guinean Guyanese Haitian Honduran Hungarian "
    "Icelandic Indian Indonesian Iranian Iraqi Irish Israeli Italian Ivorian Jamaican Japanese Jordanian Kazakh "
    "Kazakhstani Kenyan Korean Kosovar Kuwaiti Kyrgyz Laotian Latvian Lebanese Liberian Libyan Lithuanian "
    "Luxembourgish Macedonian Malagasy Malawian Malaysian Maldivian Malian Maltese Mauritanian Mauritian Mexican "
    "Moldovan Monegasque Mongolian Montenegrin Moroccan Mozambican Namibian Nepalese Nepali Nicaraguan Nigerian "
    "Nigerien Norwegian Omani Pakistani Palestinian Panamanian Paraguayan Persian Peruvian Polish Portuguese Qatari "
    "Romanian Russian Rwandan Salvadoran Samoan Saudi Scottish Senegalese Serbian Singaporean Slovak Slovakian "
    "Slovenian Somali Spanish Sudanese Surinamese Swedish Swiss Syrian Taiwanese Tajik Tanzanian Thai Togolese "
    "Tongan Tunisian Turkish Turkmen Ugandan Ukrainian Uruguayan Uzbek Venezuelan Vietnamese Welsh Yemeni Zambian "
    "Zimbabwean Greenlandic Faroese Catalan Basque Kurdish Tibetan Flemish Bavarian Sicilian Corsican Hispanic "
    "Latino Latina Arab Arabic Asian African European Caribbean Scandinavian Slavic Nordic Celtic Maori Inuit "
    "Aboriginal Romani Berber Bedouin Pashtun Punjabi Bengali Tamil Gujarati Hmong Cherokee Navajo Yoruba Igbo Zulu "
    "Swede Dane Finn Turk Briton Brit Scot Greenlander Icelander Spaniard Frenchman Frenchwoman Englishman "
    "Englishwoman Dutchman Irishman Welshman Kiwi Faroe Islander"
)
_RELIGIONS = (
    "Christian Muslim Moslem Islamic Jewish Jew Hindu Buddhist Sikh Catholic Protestant Lutheran Methodist Baptist "
    "Anglican Evangelical Mormon Jain Taoist Shinto Sunni Shia Shiite Atheist Agnostic Quaker Amish Pentecostal "
    "Presbyterian Zoroastrian Rastafarian Coptic"
)
_POLITICS = "Democrat Republican Socialist Communist Labour Tory Tories Libertarian Marxist Nationalist Fascist"
AMBIGUOUS = frozenset({"Conservative", "Liberal", "Democratic"})
"""Political words that are everyday adjectives at the start of a sentence."""
NRP_WORDS = frozenset((_NATIONALITIES + " " + _RELIGIONS + " " + _POLITICS).split()) | AMBIGUOUS
_LOWER_WORDS = frozenset(w.lower() for w in NRP_WORDS)
ALONE, BEFORE_NAME = 0.55, 0.45
_ALTERNATION = "|".join(sorted((re.escape(w) for w in NRP_WORDS), key=len, reverse=True))
_WORD = re.compile(rf"(?<![\w-])(?:{_ALTERNATION})(?:e?s)?(?![\w-])")
_WORD_LOWER = re.compile(rf"(?<![\w-])(?:{_ALTERNATION.lower()})(?:e?s)?(?![\w-])")
_NEXT_CAPITALISED = re.compile(r"[ \t]+[A-ZÀ-Þ]")
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|\n\s*)$")


class NrpWordRecognizer(LocalRecognizer):
    """Recognize nationality, religion and political-group words as ``NRP``."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["NRP"], name="NrpWordRecognizer", supported_language="en")

    def load(self) -> None:  # noqa: D102 - the word list is built at import
        return None

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        """Find the listed words.

        Args:
            text: The text.
            entities: Requested entity types.
            nlp_artifacts: Unused.

        Returns:
            One ``NRP`` result per word found.
        """
        if entities and "NRP" not in entities:
            return []
        regex = _WORD_LOWER if not any(c.isupper() for c in text) else _WORD
        results = []
        for match in regex.finditer(text):
            word = match.group(0)
            stem = word if word.lower() in _LOWER_WORDS else re.sub(r"e?s$", "", word)
            if stem.capitalize() in AMBIGUOUS and _SENTENCE_START.search(text, 0, match.start()):
                continue
            score = BEFORE_NAME if _NEXT_CAPITALISED.match(text, match.end()) else ALONE
            explanation = AnalysisExplanation(recognizer=self.name, original_score=score)
            results.append(RecognizerResult("NRP", match.start(), match.end(), score, analysis_explanation=explanation,
                                            recognition_metadata={"recognizer_name": self.name,
                                                                  "recognizer_identifier": self.id}))
        return results

