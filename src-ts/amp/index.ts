/** torch.amp: automatic mixed precision (autocast) and loss scaling (GradScaler). */
export { autocast, isAutocastEnabled } from '../autocast';
export { GradScaler } from './grad_scaler';
export type { GradScalerOptions, GradScalerState } from './grad_scaler';
