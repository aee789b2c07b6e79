/** A measurement: one number, or named numbers. */
export type Measurement = number | Readonly<Record<string, number>>;
