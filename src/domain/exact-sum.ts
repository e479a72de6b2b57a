/** The largest safe integer as a BigInt: where an exact sum leaves plain numbers. */
export const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * An exact integer sum held as a plain number while every partial sum is a safe integer, and as a BigInt
 * beyond: a BigInt addition allocates. A true sum past 2^53 always rounds to an unsafe double, so the check
 * never lets an inexact sum through.
 */
export class ExactSum {
  private small = 0;
  private big = 0n;

  add(x: number): void {
    const s = this.small + x;
    if (Number.isSafeInteger(s) && Number.isSafeInteger(x)) this.small = s;
    else {
      this.big += BigInt(this.small) + BigInt(x);
      this.small = 0;
    }
  }

  addBig(x: bigint): void {
    if (x <= SAFE && x >= -SAFE) this.add(Number(x));
    else this.big += x;
  }

  value(): bigint {
    return this.big + BigInt(this.small);
  }
}
