import { availableMicros, type CreditAccountState } from '@ops/domain';

/** A credit account's folded state at the HTTP edge: snake_case, micro-USD as strings. */
export function creditAccountStateView(state: CreditAccountState) {
  return {
    balance_micros: state.balanceMicros.toString(),
    reserved_micros: state.reservedMicros.toString(),
    available_micros: availableMicros(state).toString(),
    reservations: [...state.reservations].map(([reservationId, reservation]) => ({
      reservation_id: reservationId,
      request_id: reservation.requestId,
      amount_micros: reservation.amountMicros.toString(),
      period: reservation.period,
      expires_at: reservation.expiresAt,
    })),
    spent_by_period: Object.fromEntries(
      [...state.spentByPeriod].map(([period, micros]) => [period, micros.toString()]),
    ),
    plan: {
      tier: state.plan.tier,
      monthly_cap_micros: state.plan.monthlyCapMicros?.toString() ?? null,
      default_power_level: state.plan.defaultPowerLevel,
      privacy_mode: state.plan.privacyMode,
    },
    purchase_ids: [...state.purchases],
  };
}
