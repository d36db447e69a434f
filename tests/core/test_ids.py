import time
import uuid

from decision.core.ids import new_id


def test_ids_made_one_after_another_sort_in_the_order_they_were_made():
    ids = [new_id() for _ in range(500)]
    assert sorted(ids) == ids
    # PostgreSQL orders uuid values by their bytes, SQLite stores them as hex text.
    assert sorted(ids, key=lambda value: value.bytes) == ids
    assert sorted(ids, key=lambda value: value.hex) == ids


def test_an_id_is_a_version_7_uuid_that_starts_with_the_time_it_was_made():
    before_ms = time.time_ns() // 1_000_000
    made = new_id()
    after_ms = time.time_ns() // 1_000_000
    assert type(made) is uuid.UUID
    assert (made.version, made.variant) == (7, uuid.RFC_4122)
    # Ids made within one millisecond take the following milliseconds (to stay in order),
    # so after the other tests' bursts an id may run a little ahead of the clock.
    assert before_ms <= made.int >> 80 <= after_ms + 5_000


def test_ids_do_not_repeat_and_their_last_bits_are_random():
    ids = [new_id() for _ in range(1000)]
    assert len(set(ids)) == len(ids)
    low_bits = {made.int & (2**62 - 1) for made in ids}
    assert len(low_bits) == len(ids)
