"""``dyad idealpoints``: dynamic ordinal ideal points from UN General Assembly votes."""

from __future__ import annotations

import click

from dyad.cli.common import format_option, show
from dyad.countries import resolve
from dyad.measures import idealpoints as ip
from dyad.output import tidy


@click.command("idealpoints")
@click.argument("countries", nargs=-1)
@click.option("--from-session", "start", type=int, help="First UN session fitted (1 = 1946).")
@click.option("--to-session", "end", type=int, help="Last UN session fitted.")
@click.option("--evolution", type=float, default=0.1, show_default=True,
              help="Random-walk variance of an ideal point from one session to the next.")
@click.option("--level", type=float, default=0.95, show_default=True, help="Interval level.")
@click.option("--bootstrap", "reps", type=int, default=0, show_default=True,
              help="Parametric bootstrap replicates for the intervals (0: Laplace intervals; each replicate refits).")
@format_option
@click.pass_obj
def idealpoints_cmd(obj, countries, start, end, evolution, level, reps, fmt):
    """Ideal points of every UN member in every session, from the loaded votes, with intervals.

    The model is a dynamic ordinal (yes / abstain / no) item response model fitted by EM; sessions are
    bridged by a random walk; the USA is on the positive side (docs/methods/idealpoints.md). With
    COUNTRIES, only their rows are shown (the fit always uses every country).

    Example:

    \b
        dyad idealpoints CHN RUS USA --format csv
        dyad idealpoints --from-session 60 --evolution 0.05
        dyad idealpoints CHN RUS --from-session 70 --bootstrap 20
    """
    wanted = [resolve(c) for c in countries]
    with obj.store(read_only=True) as store:
        votes = ip.load_votes(store, start, end)
    fit = ip.fit(votes, evolution=evolution)
    frame = fit.to_frame(level).assign(interval="laplace")
    if reps:
        boot = ip.bootstrap(votes, fit, reps=reps, level=level)
        frame = frame.assign(ci_low=boot["boot_low"].to_numpy(), ci_high=boot["boot_high"].to_numpy(),
                             se=boot["boot_se"].to_numpy(), interval=f"bootstrap ({reps})")
    if wanted:
        frame = frame[frame["a"].isin(wanted)]
    click.echo(f"# {fit.iterations} EM iterations, converged={fit.converged}, {fit.seconds:.1f} s, "
               f"log likelihood {fit.loglik:.1f}", err=True)
    show(tidy(frame), fmt)


COMMANDS = [idealpoints_cmd]
