export { renderRunReport } from './render';
export { REPORT_CSP } from './styles';
