"""Build the small text corpus bundled in privsynth/sample_data/ (run once; the output is committed).

``support_tickets.jsonl``: 60 short customer-support messages in three categories (``billing``, ``delivery``,
``login``), written from templates with Faker (seed 11). About a third of them mention a fake name, e-mail
address or phone number, so that the PII scrubber has work to do; two are long (several sentences), so that
short ``max_tokens`` settings show the truncation warning. Every person, address and number is fake.

``support_tickets.schema.json`` declares the public label list of ``category`` and the text column.

Run: ``.venv/bin/python evals/make_text_sample.py``
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from faker import Faker

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "privsynth" / "sample_data"
SEED = 11
PER_LABEL = 20
CATEGORIES = ["billing", "delivery", "login"]

TEMPLATES = {
    "billing": [
        "I was charged twice for my {plan} subscription this month, please refund one payment.",
        "My invoice shows {amount} but the plan costs less, can you check the bill?",
        "Why did my card get charged {amount} after I cancelled the {plan} plan?",
        "Please update the billing address on my account, the invoice still shows the old one.",
        "The refund for order {order} has not reached my bank account after {days} days.",
        "Hi, this is {name}. I need a copy of last month's invoice sent to {email}.",
        "Can I switch from monthly to yearly billing and get the discount on the {plan} plan?",
    ],
    "delivery": [
        "My parcel {order} was marked delivered but nothing arrived at my door.",
        "The package is {days} days late and the tracking page has not changed since Monday.",
        "The courier left my order at the wrong address, please help me get it back.",
        "Can you change the delivery date for order {order} to next week?",
        "Two items are missing from my delivery, only one box arrived.",
        "Please ask the driver to call {name} on {phone} before coming, the gate is locked.",
        "The box arrived damaged and the {item} inside is broken.",
    ],
    "login": [
        "I cannot log in, the app says my password is wrong even after a reset.",
        "The reset link in the email expired before I could use it.",
        "My account got locked after three failed attempts, how do I unlock it?",
        "I do not receive the two-factor code by text message anymore.",
        "Please change the login email of my account to {email}.",
        "I am {name} and I lost access to my account after changing phones, my number is {phone}.",
        "The website keeps logging me out every few minutes on my laptop.",
    ],
}
LONG = {
    "billing": ("Hello, I have a long story about my bill. In March I upgraded to the {plan} plan, then in April I "
                "downgraded again because the extra features were not useful for my team, and since then every "
                "invoice has shown the higher price. I have written twice already and nobody has answered, so "
                "please look at all three invoices and refund the difference to the card on file."),
    "delivery": ("Good morning. Order {order} was supposed to arrive last Friday, and the tracking page said it was "
                 "out for delivery all day, but nobody came. On Saturday it changed to delivered, with a photo of a "
                 "door that is not mine. I checked with my neighbours and the building manager and nobody has it. "
                 "Please open an investigation with the courier and send a replacement."),
}


def _fill(template: str, fake: Faker, rng: random.Random) -> str:
    amount = f"${rng.randint(12, 240)}.{rng.randint(0, 99):02d}"
    return template.format(
        plan=rng.choice(["basic", "premium", "family", "business"]), amount=amount,
        order=f"#{rng.randint(100000, 999999)}", days=rng.randint(3, 21),
        item=rng.choice(["lamp", "mug", "phone case"]), name=fake.name(), email=fake.email(),
        phone=fake.phone_number())


def main() -> None:
    """Write support_tickets.jsonl and support_tickets.schema.json."""
    fake = Faker("en_US")
    Faker.seed(SEED)
    rng = random.Random(SEED)
    records = []
    for label in CATEGORIES:
        templates = TEMPLATES[label]
        for i in range(PER_LABEL):
            template = LONG[label] if label in LONG and i == 0 else templates[i % len(templates)]
            records.append({"category": label, "text": _fill(template, fake, rng)})
    rng.shuffle(records)
    for i, record in enumerate(records):
        record["ticket_id"] = f"T{1000 + i}"
        record["customer_id"] = f"C{rng.randint(1, 45):03d}"
    OUT.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({k: r[k] for k in ("ticket_id", "customer_id", "category", "text")}) for r in records]
    (OUT / "support_tickets.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    schema = {"name": "support_tickets", "columns": [
        {"name": "ticket_id", "kind": "id"},
        {"name": "customer_id", "kind": "id"},
        {"name": "category", "kind": "categorical", "categories": CATEGORIES,
         "description": "Support queue the message was filed under (public list of queues)."},
        {"name": "text", "kind": "text", "description": "The customer's message."},
    ]}
    (OUT / "support_tickets.schema.json").write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(records)} messages to {OUT / 'support_tickets.jsonl'}")


if __name__ == "__main__":
    main()
