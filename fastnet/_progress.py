"""The one progress bar of ``fastnet train`` and ``fastnet sweep``: tqdm's
(``tqdm.auto``: a widget in Jupyter, a text line elsewhere), on a stream."""

from tqdm.auto import tqdm

WIDTH = 24  # characters of the bar itself
ERASE = "\r\033[K"  # back to the start of the line, erase to its end


class ProgressBar:
    """A one-line bar over ``total`` steps, drawn on ``stream``.

    Parameters
    ----------
    total : int
        The number of steps (epochs, configurations).
    stream : file-like
        Where to draw it (stderr, so that stdout stays clean).
    unit : str
        What a step is, shown after the count (``"époques"``, ``"configs"``).

    Examples
    --------
    >>> import io
    >>> bar = ProgressBar(4, io.StringIO(), "époques")
    >>> bar.update(1)
    >>> bar.close()
    """

    def __init__(self, total, stream, unit):
        self.stream, self.unit = stream, unit
        self._bar = tqdm(
            total=total,
            file=stream,
            leave=False,
            mininterval=0,
            ascii=".#",
            bar_format=self._format(""),
            dynamic_ncols=False,
        )

    def _format(self, note):
        note = note.replace("{", "{{").replace("}", "}}")
        count = f"{{n_fmt}}/{{total_fmt}} {self.unit}{note}"
        return f"[{{bar:{WIDTH}}}] {count}  {{elapsed}}<{{remaining}}"

    def update(self, steps=1, note=""):
        """Advance by ``steps`` and redraw, with ``note`` after the count.

        Parameters
        ----------
        steps : int
            Steps done since the last update.
        note : str
            Text shown after the unit (``" (2 failed)"``).

        Returns
        -------
        None
        """
        self._bar.bar_format = self._format(note)
        self._bar.update(steps)

    def clear(self):
        """Erase the bar, so that other output starts on a clean line (it
        comes back at the next update).

        Returns
        -------
        None
        """
        self._bar.clear()
        self.stream.write(ERASE)
        self.stream.flush()

    def close(self):
        """Erase the bar for good.

        Returns
        -------
        None
        """
        self._bar.close()
        self.stream.write(ERASE)
        self.stream.flush()
