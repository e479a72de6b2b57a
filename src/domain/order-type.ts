/**
 * The feed's `exchangeordertype` is a bit mask (4098 = block order 4096 with the short-sell bit 2), so
 * Centre Point membership and sweep-ness are bit tests, never equality. The origin of this system lost
 * rows by storing the type in an int8 (wrapping 4098 to 2); we keep it as a full integer.
 */

/** Default Centre Point bits: 64 | 256 | 2048 | 4096. */
export const DEFAULT_CENTRE_POINT_MASK = 64 | 256 | 2048 | 4096;
/** Default sweep bit. */
export const DEFAULT_SWEEP_MASK = 2048;

export interface OrderTypeMasks {
  /** Bits that make an order a Centre Point order. @default 6464 (64 | 256 | 2048 | 4096) */
  centrePoint: number;
  /** Bits that make an order a sweep. @default 2048 */
  sweep: number;
}

export const DEFAULT_MASKS: OrderTypeMasks = { centrePoint: DEFAULT_CENTRE_POINT_MASK, sweep: DEFAULT_SWEEP_MASK };

// Masks are below 2^31, so the 32-bit `&` is exact for them; the type itself may be larger (up to 2^53), so
// only its low 31 bits take part, which is where every defined bit lives.
export function isCentrePoint(exchangeOrderType: number, masks: OrderTypeMasks = DEFAULT_MASKS): boolean {
  return (exchangeOrderType & masks.centrePoint) !== 0;
}

export function isSweep(exchangeOrderType: number, masks: OrderTypeMasks = DEFAULT_MASKS): boolean {
  return (exchangeOrderType & masks.sweep) !== 0;
}
