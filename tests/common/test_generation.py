"""The data generation moves exactly when a committed transaction changed a watched table."""

from sqlalchemy import Integer, String, insert, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common import generation
from services.common.db import TYPE_ANNOTATION_MAP, Database, service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata()
    type_annotation_map = TYPE_ANNOTATION_MAP


class Counter(Base):
    __tablename__ = "gen_counter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class Watched(Base):
    __tablename__ = "gen_watched"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(20))


class Other(Base):
    __tablename__ = "gen_other"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


async def make_db(databases) -> Database:
    # a throw-away database of the run's backend (SQLite or PostgreSQL), with these tables added
    db = Database(await databases.fresh("kpi"))
    async with db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
        await conn.execute(insert(Counter.__table__).values(id=1, value=0))
    generation.watch(db.writer, Counter.__table__, {"gen_watched"})
    return db


async def value(db: Database) -> int:
    async with db.reader() as s:
        return await generation.current(s, Counter.__table__)


async def test_objects_added_without_a_flush_still_move_it_at_commit(databases):
    db = await make_db(databases)
    async with db.writer() as s:
        s.add(Watched(id=1, name="a"))  # flushed only by the commit itself
        await s.commit()
    assert await value(db) == 1
    async with db.writer() as s:
        (await s.get(Watched, 1)).name = "b"
        await s.commit()
    assert await value(db) == 2
    await db.dispose()


async def test_dml_and_driver_writes_move_it_and_other_tables_do_not(databases):
    db = await make_db(databases)
    async with db.writer() as s:
        await s.execute(update(Watched.__table__).values(name="x"))
        await s.commit()
    assert await value(db) == 1
    async with db.writer() as s:
        s.add(Other(id=1))
        await s.commit()
    assert await value(db) == 1
    async with db.writer() as s:
        generation.mark_changed(s)
        await s.commit()
    assert await value(db) == 2
    await db.dispose()


async def test_a_rolled_back_change_leaves_nothing_behind(databases):
    db = await make_db(databases)
    async with db.writer() as s:
        s.add(Watched(id=1, name="a"))
        await s.flush()
        await s.rollback()
        s.add(Other(id=2))  # the next transaction of the same session changes nothing watched
        await s.commit()
    assert await value(db) == 0
    async with db.reader() as s:
        assert (await s.execute(select(Watched))).first() is None
    await db.dispose()


def test_the_cache_forgets_the_least_recently_used():
    cache = generation.Cache(size=2)
    cache.put((1, "a"), "A")
    cache.put((1, "b"), "B")
    assert cache.get((1, "a")) == "A"
    cache.put((1, "c"), "C")
    assert (cache.get((1, "a")), cache.get((1, "b")), cache.get((1, "c"))) == ("A", None, "C")
