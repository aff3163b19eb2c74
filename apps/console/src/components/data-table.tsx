import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';

export interface Column<Row> {
  title: string;
  cell(row: Row): ReactNode;
  align?: 'right';
  /** Left out below 600 px, so a phone shows the columns that matter without scrolling sideways. */
  wideOnly?: boolean;
}

/** A cell's value with a smaller line under it (an id under a name, say). */
export function Captioned({ main, caption }: { main: ReactNode; caption: ReactNode }) {
  return (
    <>
      {main}
      <Typography variant="caption" component="div" color="text.secondary">
        {caption}
      </Typography>
    </>
  );
}

const wideOnly = { display: { xs: 'none', sm: 'table-cell' } } as const;

/** Every table of the console: one look, and the same narrow-screen rule everywhere. */
export function DataTable<Row>({
  label,
  columns,
  rows,
  rowKey,
  onRowClick,
  rowTestId,
}: {
  label: string;
  columns: Column<Row>[];
  rows: Row[];
  rowKey(row: Row, index: number): string;
  onRowClick?(row: Row): void;
  rowTestId?(row: Row): string;
}) {
  return (
    // Focusable, so a keyboard can scroll a table that overflows its box (axe: scrollable-region-focusable).
    <TableContainer component={Paper} tabIndex={0}>
      <Table size="small" aria-label={label}>
        <TableHead>
          <TableRow>
            {columns.map((column) => (
              <TableCell key={column.title} align={column.align} sx={column.wideOnly ? wideOnly : undefined}>
                {column.title}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((row, index) => (
            <TableRow
              key={rowKey(row, index)}
              hover={onRowClick !== undefined}
              onClick={onRowClick && (() => onRowClick(row))}
              sx={onRowClick ? { cursor: 'pointer' } : undefined}
              data-testid={rowTestId?.(row)}
            >
              {columns.map((column) => (
                <TableCell
                  key={column.title}
                  align={column.align}
                  sx={{ wordBreak: 'break-word', ...(column.wideOnly ? wideOnly : {}) }}
                >
                  {column.cell(row)}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
