"""Segment stage: a picture's caption and its credit, which read like a short title line
under a picture and are never a story's headline."""

from __future__ import annotations

import re

__all__ = ["CAPTION", "NEWS_CREDIT", "OUTLET"]

# A picture's caption ending in its credit, a name: "Morning fog over the channel. Photo: Jo
# Whit", "(Image: Acme)", "Illustration: Brisk Visuals"; not "Photos: Inside the factory" nor
# "Private credit: the boom" (headlines: the review).
# More than one credit, or a name with its outlet: "Illustration: Marisol Eng/Compass",
# "Illustration: Circuit Breakfast, Photos: Getty Images" (the sixteenth sweep).
# ("Photo: Reuters", "Photo by Anika Rowe / Unsplash": a Ghost post's feature image, the
# thirty-second sweep; not "Photos by Mars rover reveal a lake": a word in lower case ends
# the name, and the caption must end there)
_LIBRARY = (r"(?:unsplash|getty(?: images)?|pexels|shutterstock|pixabay|istock|alamy"
            r"|wikimedia(?: commons)?|flickr|reuters|ap|afp)")
# The papers a photographer shoots "for", and the agencies credited after a "/"
_PAPER = (r"(?:new york times|washington post|wall street journal|guardian|financial times"
          r"|boston globe|los angeles times)")
_AGENCY = (rf"(?:{_PAPER}|associated press|reuters|getty images|agence france-presse|afp"
           r"|bloomberg|ap|epa|shutterstock|alamy|nasa)")
_CREDIT = (r"(?:(?:photo(?:graph)?s?|images?|illustrations?|pictures?|credits?|foto|bild"
           r"|screenshots?|graphics?|charts?|video)(?: by| credit)?\s*[:©]\s*"
           # (a name and up to seven more: "Photo: Craig F. Walker/Denver Post via Getty Images")
           r"(?-i:[A-Z][\w'’./-]*(?:\s+(?:[A-Z][\w'’./-]*|&|/|for|via|de|van|von)){0,7})"
           # "Photo by Anika Rowe / Unsplash": a lower-case "by", a name of up to three words,
           # then a picture library; not "Photos By NASA Rover Reveal Ancient Lake Bed" or
           # "Photo by Reuters Withdrawn" (headlines: the reviews)
           r"|(?:photo(?:graph)?|image|illustration|picture|artwork)\s+(?-i:by)\s+"
           r"(?-i:[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2})\s*(?:/|\||(?-i:on|via))\s*"
           rf"{_LIBRARY})")
CAPTION = re.compile(rf"(?:^|[.)]\s+|\(){_CREDIT}(?:,\s*{_CREDIT}){{0,2}}\)?\.?$|©"
                     # a credit run on after the caption, with no stop, when it ends in a
                     # picture library: "…speaks at COP27 Credit: Paul Kagame / Flickr" (a
                     # real sweep)
                     r"|\s(?-i:Credit|Photo|Image|Picture|Illustration)s?:\s*"
                     rf"(?-i:[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){{0,3}})\s*/\s*{_LIBRARY}\.?$"
                     # a caption's sentence, then its credit with no colon, an outlet's art
                     # desk and an agency: "EV Earnings on Deck. Heatmap Illustration/Getty
                     # Images" (the tenth blind set)
                     r"|[.)]\s+(?-i:[A-Z][\w'’.-]*\s+)?(?-i:Illustration|Photo|Image|Graphic)s?"
                     rf"\s*/\s*{_AGENCY}\.?$"
                     # a caption's sentence, then who is pictured and the photographer with
                     # the agency: "…speaking. CDC Director Rochelle Walensky, Anna
                     # Moneymaker/Getty Images" (Morning Brew's), "…in Nashville, Tennessee.
                     # | Alex Brandon/AP" (Politico's: the thirteenth blind set)
                     r"|[.](?:\s[^\n]{0,200}?,|\s*\|)\s+(?-i:[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){1,3})"
                     rf"\s*/\s*{_AGENCY}\.?$",
                     re.IGNORECASE)
NEWS_CREDIT = re.compile(
                     # a photographer's name alone with the agency or paper it shot for, as
                     # news pictures are credited: "Mark Abramson for The New York Times",
                     # "Yara Nardi/Reuters", "(Jabin Botsford/The Washington Post)" (a real
                     # weekly's credits under its pictures were read as title lines)
                     # (not "Another Delay for NASA", "Trump Taps Lee Zeldin for EPA": a
                     # name shoots "for" a paper only; the stop's review)
                     r"^\(?(?-i:[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){1,3})\s*"
                     rf"(?:/\s*(?:the\s+)?{_AGENCY}|\s(?-i:for)\s+(?:the\s+)?{_PAPER})"
                     r"(?:\s*[—–-]\s*getty images)?\)?\.?$",
                     re.IGNORECASE)
# An outlet's name alone: up to three capitalised words ("Nature", "The Verge"), as over a
# reading time ("Nature | 6 min read"); not "Rust 2.0 explained", a headline (the review)
# (any script's capital or a digit first, "9to5Mac", "Ámbito", or a lower-case brand with a
# capital in it, "arXiv"; "Axios AI+"; any blank between the words: the review)
_OUTLET_WORD = r"(?:[^\W\d_a-z]|\d|[a-z]+[A-Z])[\w&'’.+-]*"
OUTLET = re.compile(rf"{_OUTLET_WORD}(?:\s+{_OUTLET_WORD}){{0,2}}")
