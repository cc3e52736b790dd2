"""Text normalisation for speech, table-tested on real receipt lines (each line is checked to be in the
ground truth of ../shared/data/ocr-dev, so the table cannot drift into made-up examples)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.speech.spoken import OTHER_SCRIPT, digit_groups, spoken

GT = Path(__file__).resolve().parents[2] / "shared" / "data" / "ocr-dev" / "gt.jsonl"

RECEIPT_LINES = [  # (a real receipt line, what the voice must be given)
    ("9556939040116 KF MODELLING CLAY KIDDY FISH",
     "nine five five six, nine three nine, zero four zero, one one six KF MODELLING CLAY KIDDY FISH"),
    ("DATE: 25/12/2018 8:13:39 PM",
     "DATE: twenty-fifth of December twenty eighteen, eight thirteen and thirty-nine seconds P M"),
    ("TEL : 03-7731 8169", "TEL: zero three, seven seven three one, eight one six nine"),
    ("TEL: 03-40210276", "TEL: zero three, four zero two one, zero two seven six"),
    ("+603-9130 2672", "plus six zero three, nine one three zero, two six seven two"),
    ("CUSTOMER SERVICE 1-300-22-2828", "CUSTOMER SERVICE one, three zero zero, two two, two eight two eight"),
    ("GST ID : 002046390272", "GST ID: zero zero two zero, four six three nine, zero two seven two"),
    ("CARD NUMBER 7897139011685960",
     "CARD NUMBER seven eight nine seven, one three nine zero, one one six eight, five nine six zero"),
    ("DATE: 16-03-2018 12:07:10", "DATE: sixteenth of March twenty eighteen, twelve oh seven and ten seconds"),
    ("BIZDATE: 12/03/2018", "BIZDATE: twelfth of March twenty eighteen"),
    ("SALESPERSON: TIME: 12:06:00", "SALESPERSON: TIME: twelve oh six"),
    ("CASHIER : FATIN SY 20:29:59", "CASHIER: FATIN SY twenty twenty-nine and fifty-nine seconds"),
    ("SUB TOTAL RM8.60", "SUB TOTAL eight ringgit sixty sen"),
    ("TOTAL SALES RM 41.95", "TOTAL SALES forty-one ringgit ninety-five sen"),
    ("CASH RM 50.00", "CASH fifty ringgit"),
    ("QTY RM RM", "QTY ringgit ringgit"),
    ("SERVICE CHARGE 10% 29.50", "SERVICE CHARGE ten percent twenty-nine fifty"),
    ("ITEM 2 TOTAL WITH GST @ 6% 77.20", "ITEM two TOTAL WITH GST at six percent seventy-seven twenty"),
    ("(V02) SOUR & SPICY 1.0 12.00 12.00",
     "(V two) SOUR and SPICY one point zero, twelve, twelve"),  # prices apart, heard as three numbers
    ("CB#: 87870 21/09/2017 10:20:37 AM",
     "CB number: eighty-seven thousand eight hundred and seventy twenty-first of September twenty seventeen, "
     "ten twenty and thirty-seven seconds A M"),
    ("T: 03-2093 7358 | F: 03-2093 7359",
     "T: zero three, two zero nine three, seven three five eight F: zero three, two zero nine three, "
     "seven three five nine"),
    ("8809069300708 7.90*3 23.70 Z",
     "eight eight zero nine, zero six nine, three zero zero, seven zero eight, seven ninety times three, "
     "twenty-three seventy Z"),
    ("THANK YOU ! & PLEASE COME AGAIN !!", "THANK YOU! and PLEASE COME AGAIN!!"),
    ("NO.53 55,57 & 59, JALAN SAGU 18", "NO. fifty-three fifty-five, fifty-seven and fifty-nine, JALAN SAGU eighteen"),
]


@pytest.mark.skipif(not GT.exists(), reason="../shared/data is not beside this checkout")
def test_the_table_lines_are_real_receipt_lines() -> None:
    lines = {line.strip() for row in GT.read_text().splitlines()
             for line in json.loads(row)["text"].splitlines()}
    missing = [line for line, _ in RECEIPT_LINES if line not in lines and line + "," not in lines]
    assert not missing


@pytest.mark.parametrize(("line", "words"), RECEIPT_LINES)
def test_receipt_line_is_said_as_a_person_would(line: str, words: str) -> None:
    assert spoken(line) == words


@pytest.mark.parametrize(("text", "words"), [
    ("$4.50", "four dollars fifty cents"),
    ("€3", "three euros"),
    ("£1.20", "one pound twenty pence"),
    ("12,345.67", "twelve thousand three hundred and forty-five sixty-seven"),  # two decimals: a price
    ("12,345.678", "twelve thousand three hundred and forty-five point six seven eight"),
    ("Total -> 30", "Total to thirty"),
    ("*** THANK YOU ***", "THANK YOU"),
    ("----------", ""),
    ("Meet at 10:00 on 2018-03-16", "Meet at ten o'clock on sixteenth of March twenty eighteen"),
    ("$0.99", "ninety-nine cents"),  # not "zero dollars ninety-nine cents"
    ("Total 12,50 €", "Total twelve euros fifty cents"),  # a European price in English text
    ("10\u202f000 km", "ten thousand km"),  # a narrow no-break space between thousands
    ("½ price", "a half price"),  # NFKC would make it "1⁄2"
    ("DONE 20:29:01", "DONE twenty twenty-nine and one second"),
])
def test_amounts_symbols_and_decoration(text: str, words: str) -> None:
    assert spoken(text) == words


def test_another_script_is_skipped_with_one_note() -> None:
    said = spoken("米 RICE 5KG\n好的 OK")
    assert "米" not in said and "好" not in said
    assert said.count(OTHER_SCRIPT) == 1 and said.startswith("RICE five KG")


def test_long_digit_strings_never_become_huge_numbers() -> None:
    for n in range(7, 20):
        digits = "9" * n
        words = spoken(digits)
        assert "illion" not in words and "thousand" not in words
        assert words.replace(",", "").split() == ["nine"] * n
        assert all(3 <= len(g.split()) <= 4 for g in digit_groups(digits).split(", "))


def test_say_dry_run_prints_the_words_and_plays_nothing(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "assistant", "say", "--dry-run", "RM 30.91", "12/02/2018"],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "thirty ringgit ninety-one sen twelfth of February twenty eighteen"
    assert not list(tmp_path.iterdir())
