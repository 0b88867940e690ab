"""What the screens share (they never import each other): the desk screen and its worker calls
(`desk_screen`), the paged table (`paged`), the station a hub shows (`station_scoped`), prints
(`printing`), reveals of personal data (`reveal`), names of records (`labels`), error lines
brought into view (`field_errors`), undoing a screen's writes with ctrl+z (`undo`)."""
