/**
 * Tremor's BadgeDelta as plain markup — its classes and arrows, size sm with text — without the tooltip
 * machinery it carries for its `tooltip` prop (@floating-ui, about 10 KiB of compressed JavaScript on the
 * Overview, the only thing there that needed it). The native `title` is the hint.
 */
export type DeltaType = 'increase' | 'moderateIncrease' | 'decrease' | 'moderateDecrease' | 'unchanged';

const EMERALD = 'bg-emerald-500 text-emerald-600 ring-emerald-500 dark:bg-emerald-500 dark:text-emerald-600';
const RED = 'bg-red-500 text-red-600 ring-red-500 dark:bg-red-500 dark:text-red-600';
const ORANGE = 'bg-orange-500 text-orange-600 ring-orange-500 dark:bg-orange-500 dark:text-orange-600';

const STYLE: Record<DeltaType, { color: string; arrow: string }> = {
  increase: {
    color: `${EMERALD} dark:ring-emerald-500`,
    arrow:
      'M13.0001 7.82843V20H11.0001V7.82843L5.63614 13.1924L4.22192 11.7782L12.0001 4L19.7783 11.7782L18.3641 13.1924L13.0001 7.82843Z',
  },
  moderateIncrease: {
    color: `${EMERALD} dark:ring-emerald-500`,
    arrow: 'M16.0037 9.41421L7.39712 18.0208L5.98291 16.6066L14.5895 8H7.00373V6H18.0037V17H16.0037V9.41421Z',
  },
  decrease: {
    color: `${RED} dark:ring-red-500`,
    arrow:
      'M13.0001 16.1716L18.3641 10.8076L19.7783 12.2218L12.0001 20L4.22192 12.2218L5.63614 10.8076L11.0001 16.1716V4H13.0001V16.1716Z',
  },
  moderateDecrease: {
    color: `${RED} dark:ring-red-500`,
    arrow:
      'M14.5895 16.0032L5.98291 7.39664L7.39712 5.98242L16.0037 14.589V7.00324H18.0037V18.0032H7.00373V16.0032H14.5895Z',
  },
  unchanged: {
    color: `${ORANGE} dark:ring-orange-500`,
    arrow:
      'M16.1716 10.9999L10.8076 5.63589L12.2218 4.22168L20 11.9999L12.2218 19.778L10.8076 18.3638L16.1716 12.9999H4V10.9999H16.1716Z',
  },
};

export function DeltaBadge({
  deltaType,
  title,
  children,
}: {
  deltaType: DeltaType;
  title?: string;
  children: React.ReactNode;
}) {
  const { color, arrow } = STYLE[deltaType];
  return (
    <span
      title={title}
      className={`tremor-BadgeDelta-root inline-flex w-max shrink-0 cursor-default items-center justify-center rounded-tremor-small px-2.5 py-0.5 text-sm ring-1 ring-inset ${color} bg-opacity-10 ring-opacity-20 dark:bg-opacity-5 dark:ring-opacity-60`}
    >
      <svg
        className="tremor-BadgeDelta-icon -ml-1 mr-1.5 w-4 shrink-0"
        xmlns="http://www.w3.org/2000/svg"
        viewBox="0 0 24 24"
        fill="currentColor"
        aria-hidden="true"
      >
        <path d={arrow} />
      </svg>
      <span className="tremor-BadgeDelta-text whitespace-nowrap">{children}</span>
    </span>
  );
}
