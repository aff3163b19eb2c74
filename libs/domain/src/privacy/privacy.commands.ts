/** Records that a subject's personal data was erased (its data key already destroyed by the vault). */
export interface RecordPersonalDataErasure {
  readonly type: 'RecordPersonalDataErasure';
  readonly subject: string;
  readonly erasedBy: string;
}

export type PrivacyCommand = RecordPersonalDataErasure;
