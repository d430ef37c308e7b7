// Calendar dates as a person in Slovenia types them: what ADAM reads a typed date as (a
// Slovenian calendar date, inclusive). A test that took the UTC date would, between 23:00 and
// midnight UTC, type "tomorrow" for a day that has already begun in Ljubljana.
const ljubljana = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Ljubljana',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The Slovenian calendar date `offset` days from now, as `YYYY-MM-DD`. */
export const day = (offset) => ljubljana.format(new Date(Date.now() + offset * 86400000));
